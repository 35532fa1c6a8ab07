// tlogcheck verifies the ledger's signed checkpoints and Merkle proofs with an implementation
// nobody on this project wrote: golang.org/x/mod/sumdb/note (C2SP signed notes) and
// golang.org/x/mod/sumdb/tlog (RFC 6962 trees), as Debian packages them
// (golang-golang-x-mod-dev). It is the independent check of issue 7; see docs/FORMAT.md §10.
//
// Build and run without a module proxy, from Debian's GOPATH:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run tools/tlogcheck/main.go < check.json
//
// Input (JSON on stdin): the log's verifier key, signed checkpoint notes, and proofs against
// them. Leaves are RFC 6962 leaf hashes of the 32-byte entry hashes.
//
//	{"vkey": "...", "checkpoints": ["<note>", ...],
//	 "inclusion": [{"entryHash": "<hex>", "leafIndex": 3, "treeSize": 10, "proof": ["<hex>", ...]}],
//	 "consistency": [{"from": 4, "to": 10, "proof": ["<hex>", ...]}]}
//
// Exit 0 and one line when everything verifies; exit 1 and the first failure otherwise.
package main

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type input struct {
	Vkey        string   `json:"vkey"`
	Checkpoints []string `json:"checkpoints"`
	Inclusion   []struct {
		EntryHash string   `json:"entryHash"`
		LeafIndex int64    `json:"leafIndex"`
		TreeSize  int64    `json:"treeSize"`
		Proof     []string `json:"proof"`
	} `json:"inclusion"`
	Consistency []struct {
		From  int64    `json:"from"`
		To    int64    `json:"to"`
		Proof []string `json:"proof"`
	} `json:"consistency"`
}

func main() {
	if err := run(); err != nil {
		fmt.Println("tlogcheck: FAILED:", err)
		os.Exit(1)
	}
}

func run() error {
	var in input
	decoder := json.NewDecoder(os.Stdin)
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&in); err != nil {
		return fmt.Errorf("reading input: %v", err)
	}
	verifier, err := note.NewVerifier(in.Vkey)
	if err != nil {
		return fmt.Errorf("verifier key: %v", err)
	}
	roots := map[int64]tlog.Hash{}
	for i, text := range in.Checkpoints {
		n, err := note.Open([]byte(text), note.VerifierList(verifier))
		if err != nil {
			return fmt.Errorf("checkpoint %d: %v", i, err)
		}
		size, root, err := parseCheckpoint(n.Text, verifier.Name())
		if err != nil {
			return fmt.Errorf("checkpoint %d: %v", i, err)
		}
		roots[size] = root
	}
	for i, p := range in.Inclusion {
		root, ok := roots[p.TreeSize]
		if !ok {
			return fmt.Errorf("inclusion %d: no checkpoint of size %d", i, p.TreeSize)
		}
		entryHash, err := hex.DecodeString(p.EntryHash)
		if err != nil || len(entryHash) != tlog.HashSize {
			return fmt.Errorf("inclusion %d: entry hash is not 32 bytes of hex", i)
		}
		proof, err := hashes(p.Proof)
		if err != nil {
			return fmt.Errorf("inclusion %d: %v", i, err)
		}
		if err := tlog.CheckRecord(tlog.RecordProof(proof), p.TreeSize, root, p.LeafIndex, tlog.RecordHash(entryHash)); err != nil {
			return fmt.Errorf("inclusion %d (leaf %d in %d): %v", i, p.LeafIndex, p.TreeSize, err)
		}
	}
	for i, p := range in.Consistency {
		older, ok1 := roots[p.From]
		newer, ok2 := roots[p.To]
		if !ok1 || !ok2 {
			return fmt.Errorf("consistency %d: no checkpoints of sizes %d and %d", i, p.From, p.To)
		}
		proof, err := hashes(p.Proof)
		if err != nil {
			return fmt.Errorf("consistency %d: %v", i, err)
		}
		if err := tlog.CheckTree(tlog.TreeProof(proof), p.To, newer, p.From, older); err != nil {
			return fmt.Errorf("consistency %d (%d to %d): %v", i, p.From, p.To, err)
		}
	}
	fmt.Printf("tlogcheck: ok: %d checkpoints, %d inclusion proofs, %d consistency proofs verified by golang.org/x/mod\n",
		len(in.Checkpoints), len(in.Inclusion), len(in.Consistency))
	return nil
}

// parseCheckpoint reads a C2SP tlog-checkpoint body: origin, decimal size, base64 root hash,
// then optional extension lines. The origin must be the log key's name.
func parseCheckpoint(text, origin string) (int64, tlog.Hash, error) {
	lines := strings.SplitAfter(text, "\n")
	if len(lines) < 4 || lines[len(lines)-1] != "" {
		return 0, tlog.Hash{}, fmt.Errorf("not a checkpoint body")
	}
	if strings.TrimSuffix(lines[0], "\n") != origin {
		return 0, tlog.Hash{}, fmt.Errorf("origin %q is not the key's name %q", strings.TrimSuffix(lines[0], "\n"), origin)
	}
	size, err := strconv.ParseInt(strings.TrimSuffix(lines[1], "\n"), 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != strings.TrimSuffix(lines[1], "\n") {
		return 0, tlog.Hash{}, fmt.Errorf("bad tree size")
	}
	root, err := base64.StdEncoding.DecodeString(strings.TrimSuffix(lines[2], "\n"))
	if err != nil || len(root) != tlog.HashSize {
		return 0, tlog.Hash{}, fmt.Errorf("bad root hash")
	}
	var h tlog.Hash
	copy(h[:], root)
	return size, h, nil
}

func hashes(hexes []string) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(hexes))
	for i, s := range hexes {
		b, err := hex.DecodeString(s)
		if err != nil || len(b) != tlog.HashSize {
			return nil, fmt.Errorf("proof element %d is not 32 bytes of hex", i)
		}
		copy(out[i][:], b)
	}
	return out, nil
}
