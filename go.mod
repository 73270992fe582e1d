module github.com/aspmkit/aspm

go 1.26.8
