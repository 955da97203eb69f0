package protocol

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// SIWEMessage is a Sign-In with Ethereum message (EIP-4361), the subset
// idlenode uses: no resources, no request id.
type SIWEMessage struct {
	Domain         string
	Address        common.Address
	Statement      string
	URI            string
	ChainID        uint64
	Nonce          string
	IssuedAt       time.Time
	ExpirationTime time.Time // zero for none
}

const siweHeader = " wants you to sign in with your Ethereum account:"

// String renders the message in the EIP-4361 text format; this text is what
// gets signed.
func (m SIWEMessage) String() string {
	var b strings.Builder
	b.WriteString(m.Domain + siweHeader + "\n")
	b.WriteString(m.Address.Hex() + "\n\n")
	if m.Statement != "" {
		b.WriteString(m.Statement + "\n")
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "URI: %s\nVersion: 1\nChain ID: %d\nNonce: %s\nIssued At: %s",
		m.URI, m.ChainID, m.Nonce, m.IssuedAt.UTC().Format(time.RFC3339))
	if !m.ExpirationTime.IsZero() {
		fmt.Fprintf(&b, "\nExpiration Time: %s", m.ExpirationTime.UTC().Format(time.RFC3339))
	}
	return b.String()
}

// ParseSIWE parses the EIP-4361 text format. It checks form only; the
// coordinator checks the domain, nonce, times and signature.
func ParseSIWE(s string) (SIWEMessage, error) {
	var m SIWEMessage
	if len(s) > 4096 {
		return m, invalid("siwe message too long")
	}
	lines := strings.Split(s, "\n")
	if len(lines) < 8 {
		return m, invalid("siwe message too short")
	}
	domain, ok := strings.CutSuffix(lines[0], siweHeader)
	if !ok || domain == "" || strings.ContainsAny(domain, " \t") {
		return m, invalid("siwe message must start with %q", "DOMAIN"+siweHeader)
	}
	m.Domain = domain
	if !common.IsHexAddress(lines[1]) || !strings.HasPrefix(lines[1], "0x") {
		return m, invalid("siwe address line is not an address")
	}
	m.Address = common.HexToAddress(lines[1])
	if m.Address.Hex() != lines[1] {
		return m, invalid("siwe address must be EIP-55 checksummed")
	}
	if lines[2] != "" {
		return m, invalid("siwe message needs an empty line after the address")
	}
	i := 3
	if lines[i] != "" {
		m.Statement = lines[i]
		i++
	}
	if i >= len(lines) || lines[i] != "" {
		return m, invalid("siwe message needs an empty line after the statement")
	}
	i++
	fields := map[string]string{}
	order := []string{"URI", "Version", "Chain ID", "Nonce", "Issued At", "Expiration Time"}
	for k, line := range lines[i:] {
		key, val, ok := strings.Cut(line, ": ")
		if !ok || k >= len(order) {
			return m, invalid("siwe field line %q not understood", truncate(line))
		}
		if key != order[k] {
			return m, invalid("siwe field %q out of place (want %q)", truncate(key), order[k])
		}
		fields[key] = val
	}
	for _, k := range order[:5] {
		if _, ok := fields[k]; !ok {
			return m, invalid("siwe field %q missing", k)
		}
	}
	if fields["Version"] != "1" {
		return m, invalid("siwe version must be 1")
	}
	m.URI = fields["URI"]
	id, err := strconv.ParseUint(fields["Chain ID"], 10, 64)
	if err != nil {
		return m, invalid("siwe chain id not a number")
	}
	m.ChainID = id
	m.Nonce = fields["Nonce"]
	if len(m.Nonce) < 8 || strings.ContainsAny(m.Nonce, " \t") {
		return m, invalid("siwe nonce must be at least 8 characters")
	}
	if m.IssuedAt, err = time.Parse(time.RFC3339, fields["Issued At"]); err != nil {
		return m, invalid("siwe issued-at is not RFC 3339")
	}
	if v, ok := fields["Expiration Time"]; ok {
		if m.ExpirationTime, err = time.Parse(time.RFC3339, v); err != nil {
			return m, invalid("siwe expiration time is not RFC 3339")
		}
	}
	return m, nil
}
