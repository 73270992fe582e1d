package inventory

import (
	"encoding/json"
	"fmt"
)

// document is the JSON form of a graph.
type document struct {
	Assets []Asset `json:"assets"`
	Edges  []Edge  `json:"edges"`
}

// MarshalJSON encodes the graph as {"assets": [...], "edges": [...]}, assets
// in ID order and edges in source, target and type order, so the same graph
// always gives the same bytes.
func (g *Graph) MarshalJSON() ([]byte, error) {
	d := document{Assets: g.Assets(), Edges: g.Edges()}
	if d.Assets == nil {
		d.Assets = []Asset{}
	}
	if d.Edges == nil {
		d.Edges = []Edge{}
	}
	return json.Marshal(d)
}

// UnmarshalJSON decodes what MarshalJSON encodes into g, which must be
// empty or new; assets are added and edges linked as by [Graph.Add] and
// [Graph.Link].
func (g *Graph) UnmarshalJSON(b []byte) error {
	var d document
	if err := json.Unmarshal(b, &d); err != nil {
		return fmt.Errorf("inventory: %w", err)
	}
	for i, a := range d.Assets {
		if _, err := g.Add(a); err != nil {
			return fmt.Errorf("assets[%d]: %w", i, err)
		}
	}
	for i, e := range d.Edges {
		if err := g.Link(e); err != nil {
			return fmt.Errorf("edges[%d]: %w", i, err)
		}
	}
	return nil
}
