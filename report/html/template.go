package html

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"html/template"
	"strings"
)

var (
	//go:embed page.tmpl
	pageSource string
	//go:embed app.js
	appScript string
	//go:embed style.css
	appStyle string
)

// ContentSecurityPolicy returns the Content-Security-Policy that every
// page carries in a meta tag, for a server that wants to send it as a
// header too.
func ContentSecurityPolicy() string { return policy }

// policy is the Content-Security-Policy of every page: nothing may load
// from anywhere (default-src 'none'), the only script and style that run
// are the page's own, allowed by their SHA-256 hashes, and images may only
// be data: URLs. Hashes need no server and no nonce, so the policy holds
// for a page opened from a file:// URL too.
var policy = "default-src 'none'; script-src " + hashSource(appScript) + "; style-src " + hashSource(appStyle) +
	"; img-src data:; base-uri 'none'; form-action 'none'"

func hashSource(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// pageTemplate is the page. Its script and style are constants of this
// package, passed as typed values so the escaper keeps them byte for
// byte (the hashes above cover those bytes); everything else is escaped.
var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"style":  func() template.CSS { return template.CSS(appStyle) },
	"script": func() template.JS { return template.JS(appScript) },
	"add":    func(a, b int) int { return a + b },
	"sub":    func(a, b int) int { return a - b },
	"mul":    func(a, b int) int { return a * b },
}).Parse(strings.Replace(pageSource, "CSP_POLICY", policy, 1)))
