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
// them. Leaves are RFC 6962 leaf hashes of the 32-byte entry hashes. With "witnesses" (C2SP
// tlog-cosignature vkeys, type 0x04), every checkpoint must also carry a valid Ed25519
// cosignature/v1 by each, checked here with Go's crypto/ed25519 (x/mod's note knows no such
// type, and ignores those lines as unknown keys' when it verifies the log's signature).
//
//	{"vkey": "...", "checkpoints": ["<note>", ...], "witnesses": ["<vkey>", ...],
//	 "inclusion": [{"entryHash": "<hex>", "leafIndex": 3, "treeSize": 10, "proof": ["<hex>", ...]}],
//	 "consistency": [{"from": 4, "to": 10, "proof": ["<hex>", ...]}]}
//
// Exit 0 and one line when everything verifies; exit 1 and the first failure otherwise.
package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
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
	Witnesses   []string `json:"witnesses"`
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
		for _, witness := range in.Witnesses {
			if err := checkCosignature(n, witness); err != nil {
				return fmt.Errorf("checkpoint %d: %v", i, err)
			}
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
	fmt.Printf("tlogcheck: ok: %d checkpoints, %d inclusion proofs, %d consistency proofs verified by golang.org/x/mod, %d witnesses' cosignatures by crypto/ed25519\n",
		len(in.Checkpoints), len(in.Inclusion), len(in.Consistency), len(in.Witnesses))
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

// checkCosignature finds the witness's line among the signatures x/mod could not verify and
// checks it as tlog-cosignature.md "Format" and "Ed25519 signed message" say: key ID =
// SHA-256(name || "\n" || 0x04 || key)[:4]; the line holds key ID || u64 big-endian timestamp ||
// Ed25519 signature over "cosignature/v1\ntime <timestamp>\n" || note text.
func checkCosignature(n *note.Note, vkey string) error {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		return fmt.Errorf("witness key %q is not name+keyid+key", vkey)
	}
	name := parts[0]
	typed, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(typed) != 1+ed25519.PublicKeySize || typed[0] != 0x04 {
		return fmt.Errorf("witness key %q is not an Ed25519 cosignature/v1 key", vkey)
	}
	sum := sha256.Sum256(append(append([]byte(name), '\n'), typed...))
	keyID := binary.BigEndian.Uint32(sum[:4])
	if fmt.Sprintf("%08x", keyID) != parts[1] {
		return fmt.Errorf("witness key %q: key ID is not SHA-256(name || 0x0A || 0x04 || key)[:4]", vkey)
	}
	for _, sig := range n.UnverifiedSigs {
		if sig.Name != name || sig.Hash != keyID {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(sig.Base64)
		if err != nil || len(raw) != 4+8+ed25519.SignatureSize {
			return fmt.Errorf("cosignature by %s is not key ID, timestamp and signature", name)
		}
		timestamp := binary.BigEndian.Uint64(raw[4:12])
		message := []byte(fmt.Sprintf("cosignature/v1\ntime %d\n%s", timestamp, n.Text))
		if timestamp == 0 || timestamp > 1<<63-1 || !ed25519.Verify(typed[1:], message, raw[12:]) {
			return fmt.Errorf("cosignature by %s does not verify", name)
		}
		return nil
	}
	return fmt.Errorf("no cosignature by %s", name)
}
