package kev_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aspmkit/aspm/risk/kev"
)

func ExampleRead() {
	catalog := `{
  "title": "CISA Catalog of Known Exploited Vulnerabilities",
  "catalogVersion": "2025.08.25",
  "dateReleased": "2025-08-25T17:04:19.9796Z",
  "count": 1,
  "vulnerabilities": [
    {
      "cveID": "CVE-2021-44228",
      "vendorProject": "Apache",
      "product": "Log4j2",
      "vulnerabilityName": "Apache Log4j2 Remote Code Execution Vulnerability",
      "dateAdded": "2021-12-10",
      "shortDescription": "Apache Log4j2 contains a vulnerability where JNDI features do not protect against attacker-controlled JNDI-related endpoints, allowing for remote code execution.",
      "requiredAction": "For all affected software assets for which updates exist, the only acceptable remediation actions are: 1) Apply updates; OR 2) remove affected assets from agency networks.",
      "dueDate": "2021-12-24",
      "knownRansomwareCampaignUse": "Known",
      "notes": "https://nvd.nist.gov/vuln/detail/CVE-2021-44228",
      "cwes": ["CWE-20", "CWE-400", "CWE-502"]
    }
  ]
}`
	c, err := kev.Read(strings.NewReader(catalog), kev.Options{Name: "known_exploited_vulnerabilities.json"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Version(), c.Len())
	if e, ok := c.Lookup("cve-2021-44228"); ok {
		fmt.Println(e.CVE, e.VendorProject, e.Product)
		fmt.Println("added", e.DateAdded.Format("2006-01-02"), "due", e.DueDate.Format("2006-01-02"))
		fmt.Println("ransomware:", e.Ransomware(), e.CWEs)
	}
	// Output:
	// 2025.08.25 1
	// CVE-2021-44228 Apache Log4j2
	// added 2021-12-10 due 2021-12-24
	// ransomware: true [CWE-20 CWE-400 CWE-502]
}

func ExampleReadCSV() {
	catalog := `cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse,notes,cwes
CVE-2025-48384,Git,Git,"Git Link Following Vulnerability",2025-08-25,"Git contains a link following vulnerability.","Apply mitigations per vendor instructions.",2025-09-15,Unknown,"","CWE-59, CWE-436"
CVE-2014-0160,OpenSSL,OpenSSL,"OpenSSL Information Disclosure Vulnerability",2022-05-04,"Heartbleed.","Apply updates per vendor instructions.",2022-05-25,Unknown,,CWE-119
`
	c, err := kev.ReadCSV(strings.NewReader(catalog), kev.Options{Name: "known_exploited_vulnerabilities.csv"})
	if err != nil {
		fmt.Println(err)
		return
	}
	// The CSV file states no version: it is the latest dateAdded.
	fmt.Printf("version %q, released %s\n", c.Version(), c.Released().Format("2006-01-02"))
	for _, e := range c.Entries() {
		fmt.Println(e.CVE, e.Name, e.CWEs)
	}
	// Output:
	// version "2025.08.25", released 2025-08-25
	// CVE-2014-0160 OpenSSL Information Disclosure Vulnerability [CWE-119]
	// CVE-2025-48384 Git Link Following Vulnerability [CWE-59 CWE-436]
}

func ExampleCatalog_LookupAny() {
	catalog := `cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate
CVE-2023-0002,Acme,Widget,"Acme Widget Vulnerability",2023-02-01,"d","a",2023-02-22
CVE-2023-0003,Acme,Widget,"Acme Widget Other Vulnerability",2023-03-01,"d","a",2023-03-22
`
	c, err := kev.Read(strings.NewReader(catalog), kev.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	e, ok := c.LookupAny("GHSA-xxxx-yyyy-zzzz", "CVE-2023-0001", "CVE-2023-0003", "CVE-2023-0002")
	fmt.Println(e.CVE, ok)
	// Output:
	// CVE-2023-0003 true
}

func ExampleParseError() {
	catalog := `{"catalogVersion": "1", "dateReleased": "2025-01-01T00:00:00Z", "count": 1,
"vulnerabilities": [{"cveID": "CVE-2023-0001", "vendorProject": "v", "product": "p",
"vulnerabilityName": "n", "dateAdded": "2023-13-01", "shortDescription": "s",
"requiredAction": "a", "dueDate": "2023-02-01"}]}`
	_, err := kev.Read(strings.NewReader(catalog), kev.Options{Name: "kev.json"})
	var pe *kev.ParseError
	if errors.As(err, &pe) {
		fmt.Println(pe.Path, pe.Offset, errors.Is(err, kev.ErrInvalid))
	}
	fmt.Println(err)
	// Output:
	// vulnerabilities[0].dateAdded 200 true
	// kev: kev.json: byte 200: vulnerabilities[0].dateAdded: invalid catalog: "2023-13-01" is not a date (YYYY-MM-DD)
}
