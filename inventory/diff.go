package inventory

import (
	"cmp"
	"slices"
)

// Upgrade is a package present in both inventories at different versions.
type Upgrade struct {
	// Package is the package identity without version ([PackageKey]), or
	// the component's name when it has no purl.
	Package string `json:"package"`
	// From and To are the component IDs before and after.
	From string `json:"from"`
	To   string `json:"to"`
	// FromVersion and ToVersion are the versions.
	FromVersion string `json:"from_version"`
	ToVersion   string `json:"to_version"`
}

// Changes is the difference between two inventories: drift.
type Changes struct {
	// Added and Removed are the IDs of assets only in the new or only in
	// the old inventory, in ID order, upgraded components excluded.
	Added   []string `json:"added,omitempty"`
	Removed []string `json:"removed,omitempty"`
	// Upgraded pairs components of the same package whose version changed
	// (one version before, one after; a package with several versions on
	// either side counts as added and removed instead).
	Upgraded []Upgrade `json:"upgraded,omitempty"`
	// Changed are the IDs of assets in both whose attributes differ
	// (exposure, environment, criticality, data class, owner).
	Changed []string `json:"changed,omitempty"`
}

// Empty reports whether nothing changed.
func (c Changes) Empty() bool {
	return len(c.Added) == 0 && len(c.Removed) == 0 && len(c.Upgraded) == 0 && len(c.Changed) == 0
}

// Diff compares two inventories.
func Diff(old, new *Graph) Changes {
	var c Changes
	var added, removed []Asset
	for _, a := range new.assets {
		if b, ok := old.Asset(a.ID); !ok {
			added = append(added, a)
		} else if a.Exposure != b.Exposure || a.Environment != b.Environment || a.Criticality != b.Criticality ||
			a.DataClass != b.DataClass || a.Owner != b.Owner {
			c.Changed = append(c.Changed, a.ID)
		}
	}
	for _, a := range old.assets {
		if _, ok := new.Asset(a.ID); !ok {
			removed = append(removed, a)
		}
	}
	pkg := func(a Asset) string {
		if a.Kind != KindComponent {
			return ""
		}
		if a.PURL != "" {
			if k, err := PackageKey(a.PURL); err == nil {
				return k
			}
		}
		return a.Name
	}
	byPkg := func(list []Asset) map[string][]Asset {
		m := map[string][]Asset{}
		for _, a := range list {
			if k := pkg(a); k != "" {
				m[k] = append(m[k], a)
			}
		}
		return m
	}
	addedPkg, removedPkg := byPkg(added), byPkg(removed)
	upgraded := map[string]bool{}
	for k, after := range addedPkg {
		before := removedPkg[k]
		if len(after) == 1 && len(before) == 1 {
			c.Upgraded = append(c.Upgraded, Upgrade{Package: k, From: before[0].ID, To: after[0].ID,
				FromVersion: before[0].Version, ToVersion: after[0].Version})
			upgraded[before[0].ID], upgraded[after[0].ID] = true, true
		}
	}
	for _, a := range added {
		if !upgraded[a.ID] {
			c.Added = append(c.Added, a.ID)
		}
	}
	for _, a := range removed {
		if !upgraded[a.ID] {
			c.Removed = append(c.Removed, a.ID)
		}
	}
	slices.Sort(c.Added)
	slices.Sort(c.Removed)
	slices.Sort(c.Changed)
	slices.SortFunc(c.Upgraded, func(a, b Upgrade) int { return cmp.Compare(a.Package, b.Package) })
	return c
}
