package compliance

// PostureValue exposes postureValue to the external tests.
var PostureValue = postureValue
