package spdx_test

// The same document in the three serializations: an application "shop"
// with runtime, dev, test and optional dependencies, a file, and
// relationships of every kind the importer skips.
const (
	jsonDoc = `{
  "spdxVersion": "SPDX-2.3",
  "dataLicense": "CC0-1.0",
  "SPDXID": "SPDXRef-DOCUMENT",
  "name": "shop-sbom",
  "documentNamespace": "https://example.com/shop",
  "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: hand"]},
  "packages": [
    {"SPDXID": "SPDXRef-shop", "name": "shop", "versionInfo": "1.0.0", "downloadLocation": "NOASSERTION"},
    {"SPDXID": "SPDXRef-express", "name": "express", "versionInfo": "4.18.2", "downloadLocation": "NOASSERTION",
     "licenseConcluded": "MIT", "licenseDeclared": "MIT",
     "externalRefs": [
       {"referenceCategory": "SECURITY", "referenceType": "cpe23Type", "referenceLocator": "cpe:2.3:a:expressjs:express:4.18.2:*:*:*:*:*:*:*"},
       {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:npm/express@4.18.2"}]},
    {"SPDXID": "SPDXRef-qs", "name": "qs", "versionInfo": "6.11.0", "downloadLocation": "NOASSERTION",
     "licenseConcluded": "NOASSERTION", "licenseDeclared": "BSD-3-Clause",
     "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:npm/qs@6.11.0"}]},
    {"SPDXID": "SPDXRef-jest", "name": "jest", "versionInfo": "29.7.0", "downloadLocation": "NOASSERTION",
     "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:npm/jest@29.7.0"}]},
    {"SPDXID": "SPDXRef-mocha", "name": "mocha", "versionInfo": "10.0.0", "downloadLocation": "NOASSERTION",
     "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:npm/mocha@10.0.0"}]},
    {"SPDXID": "SPDXRef-fsevents", "name": "fsevents", "versionInfo": "2.3.3", "downloadLocation": "NOASSERTION",
     "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:npm/fsevents@2.3.3"}]},
    {"SPDXID": "SPDXRef-lodash", "name": "lodash", "downloadLocation": "NOASSERTION",
     "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:npm/lodash@4.17.21"}]}
  ],
  "files": [
    {"SPDXID": "SPDXRef-File-index", "fileName": "./index.js", "checksums": [{"algorithm": "SHA1", "checksumValue": "da39a3ee5e6b4b0d3255bfef95601890afd80709"}]}
  ],
  "relationships": [
    {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-shop"},
    {"spdxElementId": "SPDXRef-shop", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-express"},
    {"spdxElementId": "SPDXRef-qs", "relationshipType": "DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-express"},
    {"spdxElementId": "SPDXRef-jest", "relationshipType": "DEV_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-shop"},
    {"spdxElementId": "SPDXRef-mocha", "relationshipType": "TEST_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-shop"},
    {"spdxElementId": "SPDXRef-fsevents", "relationshipType": "OPTIONAL_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-shop"},
    {"spdxElementId": "SPDXRef-lodash", "relationshipType": "RUNTIME_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-express"},
    {"spdxElementId": "SPDXRef-shop", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-express"},
    {"spdxElementId": "SPDXRef-shop", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-File-index"},
    {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-shop"},
    {"spdxElementId": "SPDXRef-shop", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "DocumentRef-other:SPDXRef-x"},
    {"spdxElementId": "SPDXRef-express", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "NOASSERTION"},
    {"spdxElementId": "SPDXRef-shop", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-ghost"},
    {"spdxElementId": "SPDXRef-express", "relationshipType": "GENERATED_FROM", "relatedSpdxElement": "SPDXRef-qs"}
  ]
}`

	yamlDoc = `spdxVersion: SPDX-2.3
dataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
name: shop-sbom
documentNamespace: https://example.com/shop
creationInfo:
  created: "2024-01-01T00:00:00Z"
  creators:
    - "Tool: hand"
packages:
  - SPDXID: SPDXRef-shop
    name: shop
    versionInfo: 1.0.0
    downloadLocation: NOASSERTION
  - SPDXID: SPDXRef-express
    name: express
    versionInfo: 4.18.2
    downloadLocation: NOASSERTION
    licenseConcluded: MIT
    licenseDeclared: MIT
    externalRefs:
      - referenceCategory: SECURITY
        referenceType: cpe23Type
        referenceLocator: "cpe:2.3:a:expressjs:express:4.18.2:*:*:*:*:*:*:*"
      - referenceCategory: PACKAGE-MANAGER
        referenceType: purl
        referenceLocator: pkg:npm/express@4.18.2
  - SPDXID: SPDXRef-qs
    name: qs
    versionInfo: 6.11.0
    downloadLocation: NOASSERTION
    licenseConcluded: NOASSERTION
    licenseDeclared: BSD-3-Clause
    externalRefs:
      - {referenceCategory: PACKAGE-MANAGER, referenceType: purl, referenceLocator: pkg:npm/qs@6.11.0}
  - SPDXID: SPDXRef-jest
    name: jest
    versionInfo: 29.7.0
    downloadLocation: NOASSERTION
    externalRefs:
      - {referenceCategory: PACKAGE-MANAGER, referenceType: purl, referenceLocator: pkg:npm/jest@29.7.0}
  - SPDXID: SPDXRef-mocha
    name: mocha
    versionInfo: 10.0.0
    downloadLocation: NOASSERTION
    externalRefs:
      - {referenceCategory: PACKAGE-MANAGER, referenceType: purl, referenceLocator: pkg:npm/mocha@10.0.0}
  - SPDXID: SPDXRef-fsevents
    name: fsevents
    versionInfo: 2.3.3
    downloadLocation: NOASSERTION
    externalRefs:
      - {referenceCategory: PACKAGE-MANAGER, referenceType: purl, referenceLocator: pkg:npm/fsevents@2.3.3}
  - SPDXID: SPDXRef-lodash
    name: lodash
    downloadLocation: NOASSERTION
    externalRefs:
      - {referenceCategory: PACKAGE-MANAGER, referenceType: purl, referenceLocator: pkg:npm/lodash@4.17.21}
files:
  - SPDXID: SPDXRef-File-index
    fileName: ./index.js
    checksums:
      - {algorithm: SHA1, checksumValue: da39a3ee5e6b4b0d3255bfef95601890afd80709}
relationships:
  - {spdxElementId: SPDXRef-DOCUMENT, relationshipType: DESCRIBES, relatedSpdxElement: SPDXRef-shop}
  - {spdxElementId: SPDXRef-shop, relationshipType: DEPENDS_ON, relatedSpdxElement: SPDXRef-express}
  - {spdxElementId: SPDXRef-qs, relationshipType: DEPENDENCY_OF, relatedSpdxElement: SPDXRef-express}
  - {spdxElementId: SPDXRef-jest, relationshipType: DEV_DEPENDENCY_OF, relatedSpdxElement: SPDXRef-shop}
  - {spdxElementId: SPDXRef-mocha, relationshipType: TEST_DEPENDENCY_OF, relatedSpdxElement: SPDXRef-shop}
  - {spdxElementId: SPDXRef-fsevents, relationshipType: OPTIONAL_DEPENDENCY_OF, relatedSpdxElement: SPDXRef-shop}
  - {spdxElementId: SPDXRef-lodash, relationshipType: RUNTIME_DEPENDENCY_OF, relatedSpdxElement: SPDXRef-express}
  - {spdxElementId: SPDXRef-shop, relationshipType: DEPENDS_ON, relatedSpdxElement: SPDXRef-express}
  - {spdxElementId: SPDXRef-shop, relationshipType: CONTAINS, relatedSpdxElement: SPDXRef-File-index}
  - {spdxElementId: SPDXRef-DOCUMENT, relationshipType: CONTAINS, relatedSpdxElement: SPDXRef-shop}
  - {spdxElementId: SPDXRef-shop, relationshipType: DEPENDS_ON, relatedSpdxElement: "DocumentRef-other:SPDXRef-x"}
  - {spdxElementId: SPDXRef-express, relationshipType: DEPENDS_ON, relatedSpdxElement: NOASSERTION}
  - {spdxElementId: SPDXRef-shop, relationshipType: DEPENDS_ON, relatedSpdxElement: SPDXRef-ghost}
  - {spdxElementId: SPDXRef-express, relationshipType: GENERATED_FROM, relatedSpdxElement: SPDXRef-qs}
`

	tagValueDoc = `SPDXVersion: SPDX-2.3
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: shop-sbom
DocumentNamespace: https://example.com/shop
Creator: Tool: hand
Created: 2024-01-01T00:00:00Z

FileName: ./index.js
SPDXID: SPDXRef-File-index
FileChecksum: SHA1: da39a3ee5e6b4b0d3255bfef95601890afd80709

PackageName: shop
SPDXID: SPDXRef-shop
PackageVersion: 1.0.0
PackageDownloadLocation: NOASSERTION

PackageName: express
SPDXID: SPDXRef-express
PackageVersion: 4.18.2
PackageDownloadLocation: NOASSERTION
PackageLicenseConcluded: MIT
PackageLicenseDeclared: MIT
ExternalRef: SECURITY cpe23Type cpe:2.3:a:expressjs:express:4.18.2:*:*:*:*:*:*:*
ExternalRef: PACKAGE-MANAGER purl pkg:npm/express@4.18.2

PackageName: qs
SPDXID: SPDXRef-qs
PackageVersion: 6.11.0
PackageDownloadLocation: NOASSERTION
PackageLicenseConcluded: NOASSERTION
PackageLicenseDeclared: BSD-3-Clause
ExternalRef: PACKAGE-MANAGER purl pkg:npm/qs@6.11.0

PackageName: jest
SPDXID: SPDXRef-jest
PackageVersion: 29.7.0
PackageDownloadLocation: NOASSERTION
ExternalRef: PACKAGE-MANAGER purl pkg:npm/jest@29.7.0

PackageName: mocha
SPDXID: SPDXRef-mocha
PackageVersion: 10.0.0
PackageDownloadLocation: NOASSERTION
ExternalRef: PACKAGE-MANAGER purl pkg:npm/mocha@10.0.0

PackageName: fsevents
SPDXID: SPDXRef-fsevents
PackageVersion: 2.3.3
PackageDownloadLocation: NOASSERTION
ExternalRef: PACKAGE-MANAGER purl pkg:npm/fsevents@2.3.3

PackageName: lodash
SPDXID: SPDXRef-lodash
PackageDownloadLocation: NOASSERTION
ExternalRef: PACKAGE-MANAGER purl pkg:npm/lodash@4.17.21

Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-shop
Relationship: SPDXRef-shop DEPENDS_ON SPDXRef-express
Relationship: SPDXRef-qs DEPENDENCY_OF SPDXRef-express
Relationship: SPDXRef-jest DEV_DEPENDENCY_OF SPDXRef-shop
Relationship: SPDXRef-mocha TEST_DEPENDENCY_OF SPDXRef-shop
Relationship: SPDXRef-fsevents OPTIONAL_DEPENDENCY_OF SPDXRef-shop
Relationship: SPDXRef-lodash RUNTIME_DEPENDENCY_OF SPDXRef-express
Relationship: SPDXRef-shop DEPENDS_ON SPDXRef-express
Relationship: SPDXRef-shop CONTAINS SPDXRef-File-index
Relationship: SPDXRef-DOCUMENT CONTAINS SPDXRef-shop
Relationship: SPDXRef-shop DEPENDS_ON DocumentRef-other:SPDXRef-x
Relationship: SPDXRef-express DEPENDS_ON NOASSERTION
Relationship: SPDXRef-shop DEPENDS_ON SPDXRef-ghost
Relationship: SPDXRef-express GENERATED_FROM SPDXRef-qs
`
)
