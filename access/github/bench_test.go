package github

import (
	"bytes"
	"fmt"
	"testing"
)

// syntheticExport returns an export of an organization with n members
// (every tenth an owner, every seventh without 2FA), n/50 teams of 50
// members with 5 repositories each, and n/100 repositories with 10
// collaborators each.
func syntheticExport(n int) []byte {
	var b bytes.Buffer
	userWith := func(i int, extra string) string {
		return fmt.Sprintf(`{"login": "user-%d", "id": %d, "node_id": "U_%d", "type": "User", "site_admin": false, `+
			`"url": "https://api.github.com/users/user-%d", "html_url": "https://github.com/user-%d"%s}`, i, 1000+i, i, i, i, extra)
	}
	user := func(i int) string { return userWith(i, "") }
	list := func(key string, keep func(int) bool) {
		fmt.Fprintf(&b, ",\n%q: [", key)
		first := true
		for i := range n {
			if !keep(i) {
				continue
			}
			if !first {
				b.WriteString(",\n")
			}
			first = false
			b.WriteString(user(i))
		}
		b.WriteString("]")
	}
	b.WriteString(`{"organization": {"login": "big", "id": 1, "two_factor_requirement_enabled": false, "default_repository_permission": "read"}`)
	list("members", func(int) bool { return true })
	list("admins", func(i int) bool { return i%10 == 0 })
	list("members_2fa_disabled", func(i int) bool { return i%7 == 0 })
	b.WriteString(",\n\"teams\": [")
	for t := range n / 50 {
		if t > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"id": %d, "slug": "team-%d", "name": "Team %d", "privacy": "closed", "members": [`, t, t, t)
		for j := range 50 {
			if j > 0 {
				b.WriteString(",")
			}
			b.WriteString(user(t*50 + j))
		}
		b.WriteString(`], "repositories": [`)
		for r := range 5 {
			if r > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"full_name": "big/repo-%d", "permissions": {"admin": false, "maintain": false, "push": true, "triage": true, "pull": true}, "role_name": "write"}`, (t*5+r)%(n/100+1))
		}
		b.WriteString("]}")
	}
	b.WriteString("],\n\"repositories\": [")
	for r := range n / 100 {
		if r > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"full_name": "big/repo-%d", "private": true, "collaborators": [`, r)
		for j := range 10 {
			if j > 0 {
				b.WriteString(",")
			}
			b.WriteString(userWith(r*10+j, `, "permissions": {"admin": true, "maintain": true, "push": true, "triage": true, "pull": true}, "role_name": "admin"`))
		}
		b.WriteString("]}")
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

func TestSyntheticExport(t *testing.T) {
	m, err := Read(bytes.NewReader(syntheticExport(1000)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	// 1000 users and 20 teams; 1000 org bindings, 20*5 team and 10*10
	// collaborator bindings.
	if len(m.Principals) != 1020 || len(m.Bindings) != 1200 {
		t.Fatalf("got %d principals, %d bindings", len(m.Principals), len(m.Bindings))
	}
}

func BenchmarkReadExport10k(b *testing.B) {
	data := syntheticExport(10000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Read(bytes.NewReader(data), Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
