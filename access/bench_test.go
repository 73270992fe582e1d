package access_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/aspmkit/aspm/access"
)

// benchModel builds nPrincipals principals and nRoles roles of one
// system, each principal bound to two or three roles: most roles read,
// some write, a few can escalate (create pods, impersonate, pass roles),
// one is the administrator role.
func benchModel(system access.System, nPrincipals, nRoles int) *access.Model {
	r := rand.New(rand.NewPCG(7, 9))
	m := &access.Model{UsageSince: anNow.AddDate(-1, 0, 0)}
	var verbs, resources, risky [][]string
	switch system {
	case access.SystemKubernetes:
		verbs = [][]string{{"get", "list", "watch"}, {"get"}, {"create", "update", "patch"}, {"*"}}
		resources = [][]string{{"/pods"}, {"/configmaps"}, {"apps/deployments"}, {"/services"}, {"/secrets"}, {"batch/jobs"}}
		risky = [][]string{{"create", "/pods"}, {"impersonate", "/serviceaccounts"}, {"create", "/serviceaccounts/token"}}
	default:
		verbs = [][]string{{"s3:GetObject", "s3:ListBucket"}, {"ec2:Describe*"}, {"dynamodb:PutItem"}, {"s3:*"}, {"lambda:InvokeFunction"}}
		resources = [][]string{{"*"}, {"arn:aws:s3:::bucket-1/*"}, {"arn:aws:dynamodb:*:123456789012:table/t"}}
		risky = [][]string{{"iam:PassRole", "arn:aws:iam::123456789012:role/*"}, {"iam:CreatePolicyVersion", "*"}, {"sts:AssumeRole", "*"}}
	}
	for i := range nRoles {
		role := access.Role{ID: fmt.Sprintf("%s:role:r-%d", system, i), System: system, Name: fmt.Sprintf("r-%d", i)}
		if system == access.SystemAWS {
			role.Kind = "ManagedPolicy"
		}
		switch {
		case i == 0:
			role.Permissions = []access.Permission{allow([]string{"*"}, []string{"*/*", "*"})}
		case i%50 == 0:
			k := risky[r.IntN(len(risky))]
			role.Permissions = []access.Permission{allow([]string{k[0]}, []string{k[1]})}
			if system == access.SystemAWS {
				role.Permissions = append(role.Permissions, allow([]string{"ec2:RunInstances"}, []string{"*"}))
			}
		default:
			for range 1 + r.IntN(4) {
				role.Permissions = append(role.Permissions, allow(verbs[r.IntN(len(verbs))], resources[r.IntN(len(resources))]))
			}
		}
		m.Roles = append(m.Roles, role)
	}
	for i := range nPrincipals {
		var p access.Principal
		if system == access.SystemKubernetes {
			p = k8sSA(fmt.Sprintf("ns-%d", i%100), fmt.Sprintf("sa-%d", i))
		} else {
			kind := access.KindUser
			if i%4 == 0 {
				kind = access.KindRole
			}
			p = access.Principal{ID: fmt.Sprintf("aws:%s:p-%d", kind, i), System: access.SystemAWS, Kind: kind,
				Name: fmt.Sprintf("arn:aws:iam::123456789012:%s/p-%d", kind, i), Human: access.TriOf(kind == access.KindUser),
				MFA: access.TriOf(i%7 != 0), LastActive: anNow.AddDate(0, 0, -r.IntN(400)), AssumableBy: []string{"arn:aws:iam::123456789012:root"}}
			if i%8 == 0 {
				p.AssumableBy = []string{"service:ec2.amazonaws.com"}
			}
		}
		m.Principals = append(m.Principals, p)
		for j := range 2 + r.IntN(2) {
			role := r.IntN(nRoles)
			if i%997 == 0 && j == 0 {
				role = 0
			}
			scope := access.Scope{Kind: "cluster"}
			if system == access.SystemKubernetes && j > 0 {
				scope = access.Scope{Kind: "namespace", Name: fmt.Sprintf("ns-%d", i%100)}
			}
			m.Bindings = append(m.Bindings, access.Binding{ID: fmt.Sprintf("b-%d-%d", i, j), Principal: p.ID, Role: m.Roles[role].ID, Scope: scope})
		}
		if i%3 == 0 {
			m.Usage = append(m.Usage, access.Usage{Principal: p.ID, Action: verbs[0][0], LastUsed: anNow.AddDate(0, 0, -r.IntN(200))})
		}
	}
	return m
}

// BenchmarkAnalyze: every analyzer over 10,000 principals and 1,000 roles.
func BenchmarkAnalyze(b *testing.B) {
	for _, system := range []access.System{access.SystemKubernetes, access.SystemAWS} {
		b.Run(string(system), func(b *testing.B) {
			m := benchModel(system, 10_000, 1_000)
			b.ReportAllocs()
			var n int
			for b.Loop() {
				fs, err := access.Analyze(m, access.Options{Now: anNow})
				if err != nil {
					b.Fatal(err)
				}
				n = len(fs)
			}
			b.ReportMetric(float64(n), "findings")
		})
	}
}

func TestBenchModelAnalyzes(t *testing.T) {
	for _, system := range []access.System{access.SystemKubernetes, access.SystemAWS} {
		start := time.Now()
		fs, err := access.Analyze(benchModel(system, 1_000, 100), access.Options{Now: anNow})
		if err != nil {
			t.Fatal(err)
		}
		got := byRule(fs)
		if len(got[access.RuleEscalation]) == 0 || len(got[access.RuleAdmin]) == 0 {
			t.Fatalf("%s: the synthetic model should have escalation and admin findings: %d findings in %v", system, len(fs), time.Since(start))
		}
	}
}
