// Reads YAML documents the way k3OS and Kairos's yip read their configs, for the tests:
//
//	k3os: ghodss/yaml.Unmarshal into map[string]interface{} (YAML 1.1 by gopkg.in/yaml.v2, then
//	      JSON), as rancher/k3os v0.22.2-k3s2r0 pkg/config/read.go readFile and read_cc.go readUserData do.
//	yip:  gopkg.in/yaml.v3 Unmarshal, as mudler/yip v1.24.0 pkg/schema/loader_yip.go does, into a
//	      generic map and into the shape of yip's stage files (pkg/schema/schema.go File) to see
//	      that content, encoding and permissions decode into their Go types.
//	k3s:  sigs.k8s.io/yaml-style reading of k3s's config.yaml is YAML 1.1 by go-yaml too: the k3os mode.
//
// Input on stdin: a JSON array of {"mode": "...", "text": "..."}. Output: a JSON array of
// {"value": <the document as JSON>} or {"error": "..."}.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	ghodss "github.com/ghodss/yaml"
	yaml3 "gopkg.in/yaml.v3"
)

type request struct {
	Mode string `json:"mode"`
	Text string `json:"text"`
}

type result struct {
	Value interface{} `json:"value,omitempty"`
	Error string      `json:"error,omitempty"`
}

// The fields of yip's schema this check reads (mudler/yip pkg/schema/schema.go: File has no yaml
// tags, so yaml.v3 matches the lower-cased field names).
type yipFile struct {
	Path        string
	Permissions uint32
	Content     string
	Encoding    string
}

type yipStep struct {
	Files []yipFile
}

type yipConfig struct {
	Stages map[string][]yipStep `yaml:"stages"`
}

func read(r request) result {
	switch r.Mode {
	case "k3os":
		data := map[string]interface{}{}
		if err := ghodss.Unmarshal([]byte(r.Text), &data); err != nil {
			return result{Error: err.Error()}
		}
		return result{Value: data}
	case "yip":
		data := map[string]interface{}{}
		if err := yaml3.Unmarshal([]byte(r.Text), &data); err != nil {
			return result{Error: err.Error()}
		}
		var typed yipConfig
		if err := yaml3.Unmarshal([]byte(r.Text), &typed); err != nil {
			return result{Error: "yip stages: " + err.Error()}
		}
		return result{Value: map[string]interface{}{"document": normalize(data), "stages": typed.Stages}}
	}
	return result{Error: fmt.Sprintf("unknown mode %q", r.Mode)}
}

// yaml.v3 decodes nested maps as map[string]interface{} already; keys of other types become strings.
func normalize(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		for k, x := range t {
			t[k] = normalize(x)
		}
		return t
	case map[interface{}]interface{}:
		out := map[string]interface{}{}
		for k, x := range t {
			out[fmt.Sprint(k)] = normalize(x)
		}
		return out
	case []interface{}:
		for i, x := range t {
			t[i] = normalize(x)
		}
		return t
	}
	return v
}

func main() {
	var reqs []request
	if err := json.NewDecoder(os.Stdin).Decode(&reqs); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	out := make([]result, len(reqs))
	for i, r := range reqs {
		out[i] = read(r)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Stdout.Write(buf.Bytes())
}
