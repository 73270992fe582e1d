package github

import (
	"net/url"
	"strings"

	"github.com/aspmkit/aspm/access"
	"github.com/aspmkit/aspm/access/internal/jsondoc"
)

// parse reads data, a whole input.
func parse(data []byte, file string) (*access.Model, error) {
	d := &jsondoc.Doc{File: file, Data: data, What: "GitHub API data"}
	top, err := d.Top()
	if err != nil {
		return nil, err
	}
	b := newBuilder(d)
	if top.Raw[0] == '[' {
		err = readRecording(b, top)
	} else {
		err = readExport(b, top)
	}
	if err != nil {
		return nil, err
	}
	return b.model(), nil
}

// exportKeys are the top-level keys of the export format.
var exportKeys = map[string]bool{
	"organization": true, "members": true, "admins": true, "outside_collaborators": true,
	"members_2fa_disabled": true, "outside_collaborators_2fa_disabled": true, "teams": true,
	"repositories": true, "credential_authorizations": true,
}

// readExport reads the export document top.
func readExport(b *builder, top jsondoc.Node) error {
	d := b.d
	fields, err := d.Fields(top)
	if err != nil {
		return err
	}
	var org string
	known := false
	for _, f := range fields {
		if !exportKeys[f.Key] {
			continue
		}
		known = true
		if f.Key == "organization" && !jsondoc.IsNull(f.Raw) {
			var o organization
			if err := d.Decode(f.Node, &o); err != nil {
				return err
			}
			if err := b.account(o, f.Node); err != nil {
				return err
			}
			org = o.Login
		}
	}
	if !known {
		return d.Unsupported(top, "not a GitHub organization export: none of the keys organization, members, "+
			"admins, outside_collaborators, members_2fa_disabled, teams, repositories")
	}
	for _, f := range fields {
		var l list
		switch f.Key {
		case "members":
			l = listMembers
		case "admins":
			l = listAdmins
		case "members_2fa_disabled":
			l = listMFADisabled
		case "outside_collaborators":
			l = listOutside
		case "outside_collaborators_2fa_disabled":
			l = listOutsideMFADisabled
		case "teams", "credential_authorizations":
		case "repositories":
			if err := exportRepos(b, f.Node); err != nil {
				return err
			}
			continue
		default:
			continue
		}
		if jsondoc.IsNull(f.Raw) {
			continue
		}
		if org == "" {
			return d.Errorf(f.Node, "%s needs the organization: add \"organization\" with its login", f.Key)
		}
		switch f.Key {
		case "teams":
			err = exportTeams(b, org, f.Node)
		case "credential_authorizations":
			err = b.credentials(org, f.Node)
		default:
			err = b.listed(org, f.Node, l)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// exportTeams reads the "teams" array: team objects with "members" and
// "repositories".
func exportTeams(b *builder, org string, n jsondoc.Node) error {
	d := b.d
	items, err := d.Elems(n)
	if err != nil {
		return err
	}
	for _, it := range items {
		_, t, err := b.team(org, it)
		if err != nil {
			return err
		}
		fields, err := d.Fields(it)
		if err != nil {
			return err
		}
		for _, f := range fields {
			switch f.Key {
			case "members":
				err = b.teamMembers(org, t.Slug, f.Node, it)
			case "repositories":
				err = b.teamRepos(org, t.Slug, f.Node, it)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// exportRepos reads the "repositories" array: repository objects with
// "collaborators" and "teams".
func exportRepos(b *builder, n jsondoc.Node) error {
	d := b.d
	items, err := d.Elems(n)
	if err != nil {
		return err
	}
	for _, it := range items {
		var r repository
		if err := d.Decode(it, &r); err != nil {
			return err
		}
		full, err := b.fullName(r, it)
		if err != nil {
			return err
		}
		fields, err := d.Fields(it)
		if err != nil {
			return err
		}
		for _, f := range fields {
			switch f.Key {
			case "collaborators":
				err = b.collaborators(full, f.Node, false)
			case "outside_collaborators":
				err = b.collaborators(full, f.Node, true)
			case "teams":
				err = b.repoTeams(full, f.Node)
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// exchange is one recorded request of a nock fixture.
type exchange struct {
	Scope  string `json:"scope"`
	Method string `json:"method"`
	Path   string `json:"path"`
	Status int    `json:"status"`
}

// readRecording reads a nock recording: an array of exchanges.
func readRecording(b *builder, top jsondoc.Node) error {
	d := b.d
	items, err := d.Elems(top)
	if err != nil {
		return err
	}
	for i, it := range items {
		if len(it.Raw) == 0 || it.Raw[0] != '{' {
			if i == 0 {
				return d.Unsupported(it, "not a recording of GitHub API exchanges: want an array of "+
					"{scope, method, path, status, response} objects, got %s", jsondoc.Kind(it.Raw))
			}
			return d.Errorf(it, "exchange: want an object, got %s", jsondoc.Kind(it.Raw))
		}
		fields, err := d.Fields(it)
		if err != nil {
			return err
		}
		var x exchange
		var resp *jsondoc.Node
		for _, f := range fields {
			if f.Key == "response" {
				resp = &f.Node
			}
		}
		if err := d.Decode(it, &x); err != nil {
			return err
		}
		if x.Method == "" || x.Path == "" || resp == nil {
			if i == 0 {
				return d.Unsupported(it, "not a recording of GitHub API exchanges: the first element lacks "+
					"method, path or response")
			}
			return d.Errorf(it, "exchange: method, path or response missing")
		}
		if !strings.EqualFold(x.Method, "GET") || x.Status < 200 || x.Status > 299 || jsondoc.IsNull(resp.Raw) {
			continue // writes are not replayed; failed reads say nothing
		}
		if err := dispatch(b, x.Path, *resp); err != nil {
			return err
		}
	}
	return nil
}

// apiPath reports whether p is a GitHub REST API path this package reads.
func apiPath(p string) bool {
	seg, _, ok := splitPath(p)
	if !ok || len(seg) == 0 {
		return false
	}
	return seg[0] == "orgs" || seg[0] == "repos"
}

// splitPath splits a request path into unescaped segments (without a
// GitHub Enterprise Server "/api/v3" prefix) and its query.
func splitPath(p string) ([]string, url.Values, bool) {
	path, rawQuery, _ := strings.Cut(p, "?")
	if !strings.HasPrefix(path, "/") {
		return nil, nil, false
	}
	path = strings.TrimPrefix(path, "/api/v3")
	var seg []string
	for s := range strings.SplitSeq(strings.Trim(path, "/"), "/") {
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, nil, false
		}
		seg = append(seg, u)
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, nil, false
	}
	return seg, q, true
}

// dispatch reads the response resp of GET path.
func dispatch(b *builder, path string, resp jsondoc.Node) error {
	seg, q, ok := splitPath(path)
	if !ok || len(seg) < 2 {
		return nil
	}
	d := b.d
	name := func(s string) bool { return validName(s) }
	switch {
	case seg[0] == "orgs" && name(seg[1]):
		org := seg[1]
		switch {
		case len(seg) == 2:
			var o organization
			if err := d.Decode(resp, &o); err != nil {
				return err
			}
			if o.Login == "" {
				o.Login = org
			}
			return b.account(o, resp)
		case len(seg) == 3 && seg[2] == "members":
			switch {
			case q.Get("filter") == "2fa_disabled":
				return b.listed(org, resp, listMFADisabled)
			case q.Get("role") == "admin":
				return b.listed(org, resp, listAdmins)
			}
			return b.listed(org, resp, listMembers)
		case len(seg) == 3 && seg[2] == "outside_collaborators":
			if q.Get("filter") == "2fa_disabled" {
				return b.listed(org, resp, listOutsideMFADisabled)
			}
			return b.listed(org, resp, listOutside)
		case len(seg) == 3 && seg[2] == "teams":
			items, err := d.Elems(resp)
			if err != nil {
				return err
			}
			for _, it := range items {
				if _, _, err := b.team(org, it); err != nil {
					return err
				}
			}
			return nil
		case len(seg) == 3 && seg[2] == "credential-authorizations":
			return b.credentials(org, resp)
		case len(seg) == 5 && seg[2] == "teams" && name(seg[3]) && seg[4] == "members":
			return b.teamMembers(org, seg[3], resp, resp)
		case len(seg) == 5 && seg[2] == "teams" && name(seg[3]) && seg[4] == "repos":
			return b.teamRepos(org, seg[3], resp, resp)
		}
	case seg[0] == "repos" && len(seg) == 4 && name(seg[1]) && name(seg[2]):
		full := seg[1] + "/" + seg[2]
		switch seg[3] {
		case "collaborators":
			return b.collaborators(full, resp, q.Get("affiliation") == "outside")
		case "teams":
			return b.repoTeams(full, resp)
		}
	case seg[0] == "repos" && len(seg) == 3 && name(seg[1]) && name(seg[2]):
		// GET /repos/{owner}/{repo}: check its shape; its "permissions"
		// are the caller's, who is not named, so they bind nobody.
		var r repository
		return d.Decode(resp, &r)
	}
	return nil
}
