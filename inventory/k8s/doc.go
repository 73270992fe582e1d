// Package k8s reads Kubernetes manifests into an [inventory.Graph]: the
// workloads that run, the images they run, and how far the network
// reaches them.
//
// # Input
//
// [Read] takes a stream of YAML documents separated by "---", as kubectl
// applies them and Helm or Kustomize render them, or JSON (which is YAML).
// List kinds ("List", "DeploymentList"...) are read item by item; the
// items of a typed list may leave out their kind. Objects without a
// namespace are in [Options.Namespace], by default "default". Objects of
// other kinds are skipped and counted in [Result.Skipped]. Fields this
// package does not need are not looked at; those it reads must have the
// right type.
//
// # Assets and edges
//
//   - A workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
//     ReplicationController, Job, CronJob) is a service asset
//     "service:NAMESPACE/NAME", with the properties k8s.kind,
//     k8s.namespace and k8s.name, the environment of
//     [Options.Environment], and a deploys edge to the image of each of
//     its containers and init containers: "image:sha256:..." when the
//     reference has a digest, else the normalized reference (see
//     [inventory.ImageID]). A Job named by generateName is named by the
//     prefix, its trailing "-" removed.
//   - A Service is an endpoint asset "endpoint:NAME.NAMESPACE.svc", its
//     cluster DNS name, with its type and ports as properties, and an
//     exposes edge to every workload of its namespace whose pod labels its
//     selector matches.
//   - An Ingress (networking.k8s.io/v1, and the v1beta1 APIs) gives an
//     endpoint asset per rule path, named by its URL
//     ("endpoint:https://shop.example.com/api": https when the host is
//     listed under tls, "*" for a rule without host, the same text as
//     package catalog's endpoints), with an exposes edge to the endpoint
//     of its backend Service; a host without paths, and the default
//     backend ("http://*/"), go to the default backend.
//
// Assets of one identity merge, in the graph as between two manifests:
// reading a catalog that names its services "namespace/name" and the
// cluster's manifests describes each service once.
//
// # Exposure
//
// A Service of type LoadBalancer or NodePort, or with externalIPs, makes
// itself and the workloads it selects internet-exposed, unless a
// LoadBalancer carries an annotation that makes it internal on AWS, GKE
// or AKS (service.beta.kubernetes.io/aws-load-balancer-internal: "true",
// networking.gke.io/load-balancer-type: Internal, ...): then internal, as
// for ClusterIP and headless Services. An Ingress makes its endpoints, the
// Services behind them and the workloads those select internet-exposed,
// whatever its class. An ExternalName Service has no exposure. Exposure
// only goes up: the most exposed reason wins, and an asset the graph held
// as more exposed stays so. Workloads no Service selects have no exposure.
//
// # Errors
//
// A problem gives an [*Error] that names the document of the stream
// (1-based), the line, the column and the field path, wrapping
// [ErrSyntax], [ErrInvalid], [ErrUnsupported] or [ErrLimit]. [Read]
// checks the whole stream before it adds anything to the graph.
//
// # Hostile input
//
// The input is held to limits while it is read: at most
// [Options.MaxBytes]; in JSON, no string longer than limits.MaxStringBytes
// (16 MiB) and no nesting deeper than limits.MaxDepth (512); in YAML, no
// line longer than limits.MaxStringBytes. Each is [ErrLimit] at its line
// and column, the read stopped there. Beyond that:
//
//   - Aliases are followed with a budget of ten visits per node of the
//     document (plus 10,000): aliases that expand to more (a billion
//     laughs, or a list of aliases to a Service whose ports are aliases)
//     are [ErrLimit]. The work and memory are bounded by the budget, so by
//     the size of the document.
//   - YAML nested deeper than 10,000 is [ErrSyntax] with its line; invalid
//     UTF-8 in YAML is [ErrSyntax] at the offending byte; in JSON it
//     becomes U+FFFD.
//   - Empty documents are skipped: a stream of 100,000 "---" is read as
//     no object.
//   - A field read given twice is [ErrInvalid] ("given twice").
//   - A port or other number is read as the text written (1e400 stays
//     "1e400").
package k8s
