package zap_test

import (
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/findings"
	"github.com/aspmkit/aspm/findings/zap"
)

func ExampleDecode() {
	report := `<?xml version="1.0"?>
<OWASPZAPReport programName="ZAP" version="2.16.1" generated="Sun, 22 Jun 2025 04:04:14">
  <site name="https://example.com" host="example.com" port="443" ssl="true">
    <alerts>
      <alertitem>
        <pluginid>10020</pluginid>
        <alert>Missing Anti-clickjacking Header</alert>
        <riskcode>2</riskcode>
        <confidence>2</confidence>
        <desc>&lt;p&gt;The response does not protect against ClickJacking attacks.&lt;/p&gt;</desc>
        <instances>
          <instance><uri>https://example.com/</uri><method>GET</method><param>x-frame-options</param></instance>
          <instance><uri>https://example.com/login</uri><method>GET</method><param>x-frame-options</param></instance>
        </instances>
        <count>2</count>
        <cweid>1021</cweid>
      </alertitem>
    </alerts>
  </site>
</OWASPZAPReport>`
	err := zap.Decode(strings.NewReader(report), findings.DecodeOptions{Name: "zap.xml"}, findings.Handler{
		Finding: func(f findings.Finding) error {
			fmt.Println(f.RuleID, f.Severity, f.Confidence, f.CWEs, f.Location.Method, f.Location.URL)
			return nil
		},
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// 10020 medium medium [CWE-1021] GET https://example.com/
	// 10020 medium medium [CWE-1021] GET https://example.com/login
}
