package alert_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/aspmkit/aspm/correlate/alert"
	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/risk"
	"github.com/aspmkit/aspm/risk/kev"
)

func ExamplePolicy_Allows() {
	p := alert.Policy{MinPriority: risk.P2}
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, pr := range []risk.Priority{risk.P1, risk.P2, risk.P3, ""} {
		e := alert.Event{Type: alert.TypeNewFinding, At: now, Priority: pr}
		fmt.Printf("%q raised: %v\n", pr, p.Allows(e))
	}
	// Output:
	// "P1" raised: true
	// "P2" raised: true
	// "P3" raised: false
	// "" raised: true
}

func ExampleBatcher() {
	b, err := alert.NewBatcher(alert.BatcherOptions{Window: 10 * time.Minute, MaxEvents: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	start := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range 5 {
		_ = b.Add(alert.Event{Type: alert.TypeNewFinding, At: start.Add(time.Duration(i) * time.Minute),
			Asset: "api", RuleID: "go/sql-injection", FindingID: fmt.Sprint("f", i), Priority: risk.P2})
	}
	fmt.Println("due at 12:05:", len(b.Flush(start.Add(5*time.Minute))))
	for _, d := range b.Flush(start.Add(10 * time.Minute)) {
		fmt.Printf("%s: %d events (%d omitted), %s to %s\n", d.Key, d.Count, d.Omitted(),
			d.First.Format("15:04"), d.Last.Format("15:04"))
	}
	// Output:
	// due at 12:05: 0
	// -/-/api/new_finding/go/sql-injection: 5 events (3 omitted), 12:00 to 12:04
}

func ExampleLimiter() {
	l, err := alert.NewLimiter(alert.Rate{Count: 2, Per: time.Hour}, alert.LimiterOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	fmt.Println(l.Allow("chat", now), l.Allow("chat", now), l.Allow("chat", now))
	fmt.Println("next:", l.Next("chat", now).Format("15:04"))
	// Output:
	// true true false
	// next: 12:30
}

func ExampleDispatcher() {
	console := alert.SinkFunc(func(_ context.Context, ds []alert.Digest) error {
		for _, d := range ds {
			fmt.Printf("send %s %s ×%d\n", d.Priority, d.Key, d.Count)
		}
		return nil
	})
	d, err := alert.NewDispatcher([]alert.Target{{Name: "console", Sink: console}}, alert.DispatcherOptions{
		Policy: alert.Policy{MinPriority: risk.P2},
		Batch:  alert.BatcherOptions{Window: 15 * time.Minute},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	scan := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for i, p := range []risk.Priority{risk.P1, risk.P2, risk.P4, risk.P2} {
		raised, _ := d.Add(alert.Event{Type: alert.TypeNewFinding, At: scan, Tenant: "acme", Application: "shop",
			Asset: "api", RuleID: []string{"CVE-2024-1", "go/xss", "go/xss", "go/xss"}[i], FindingID: fmt.Sprint(i), Priority: p})
		fmt.Println("raised:", raised)
	}
	rep, err := d.Dispatch(context.Background(), scan.Add(15*time.Minute))
	fmt.Println("sent to", len(rep.Sent), "sink(s), error:", err)
	// Output:
	// raised: true
	// raised: true
	// raised: false
	// raised: true
	// send P1 acme/shop/api/new_finding/CVE-2024-1 ×1
	// send P2 acme/shop/api/new_finding/go/xss ×2
	// sent to 1 sink(s), error: <nil>
}

// ExampleWebhookSink posts a digest to a receiver that checks the
// signature and decodes the payload.
func ExampleWebhookSink() {
	secret := []byte("shared secret")
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, alert.DefaultMaxPayloadBytes))
		if err := alert.Verify(secret, body, r.Header.Get(alert.SignatureHeader)); err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		p, err := alert.DecodePayload(bytes.NewReader(body), alert.DecodeOptions{})
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, d := range p.Digests {
			fmt.Println("received", d.Key.Type, d.Key.RuleID, d.Count)
		}
	}))
	defer receiver.Close()

	sink, err := alert.NewWebhookSink(receiver.URL+"/hooks/aspm", alert.WebhookOptions{
		Secret:          secret,
		AllowHTTPUnsafe: true, // the test server speaks plain http
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.HasPrefix(sink.String(), "alert.WebhookSink(http://127.0.0.1:"))
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	b, _ := alert.NewBatcher(alert.BatcherOptions{})
	_ = b.Add(alert.Event{Type: alert.TypeSLABreached, At: at, Asset: "api", RuleID: "CVE-2024-3094", Priority: risk.P1})
	err = sink.Send(context.Background(), b.FlushAll())
	fmt.Println("error:", err)
	// Output:
	// true
	// received sla_breached CVE-2024-3094 1
	// error: <nil>
}

func ExampleKEVListed() {
	catalog := "cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse\n" +
		"CVE-2021-44228,Apache,Log4j2,Log4Shell,2021-12-10,RCE,Apply updates,2021-12-24,Known\n"
	c, err := kev.Read(strings.NewReader(catalog), kev.Options{Name: "kev.csv"})
	if err != nil {
		fmt.Println(err)
		return
	}
	f := findings.Finding{ID: "f1", RuleID: "GHSA-jfh8-c2jp-5v3q", Title: "log4j-core RCE",
		Severity: findings.SeverityCritical, VulnerabilityIDs: []string{"GHSA-jfh8-c2jp-5v3q", "CVE-2021-44228"}}
	e, ok := alert.KEVListed(&f, c, time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	fmt.Println(ok, e.Type, e.Details["kev_cve"], e.Details["kev_due_date"], e.Details["kev_ransomware"])
	// Output:
	// true kev_listed CVE-2021-44228 2021-12-24 true
}
