package voucher

import (
	"context"
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/signer/core/apitypes"
)

var pool = common.HexToAddress("0x00000000000000000000000000000000000000aa")

// The hand-written hash must equal go-ethereum's generic EIP-712 encoder.
func TestDigestMatchesApitypes(t *testing.T) {
	acct := common.HexToAddress("0x1234567890123456789012345678901234567890")
	amt, _ := new(big.Int).SetString("123456789000000000000", 10)
	td := apitypes.TypedData{
		Types: apitypes.Types{
			"EIP712Domain": {
				{Name: "name", Type: "string"}, {Name: "version", Type: "string"},
				{Name: "chainId", Type: "uint256"}, {Name: "verifyingContract", Type: "address"},
			},
			"Voucher": {{Name: "account", Type: "address"}, {Name: "cumulativeAmount", Type: "uint256"}},
		},
		PrimaryType: "Voucher",
		Domain: apitypes.TypedDataDomain{
			Name: DomainName, Version: DomainVersion,
			ChainId: (*math.HexOrDecimal256)(big.NewInt(1337)), VerifyingContract: pool.Hex(),
		},
		Message: apitypes.TypedDataMessage{"account": acct.Hex(), "cumulativeAmount": amt.String()},
	}
	want, _, err := apitypes.TypedDataAndHash(td)
	if err != nil {
		t.Fatal(err)
	}
	got := Digest(Domain{ChainID: 1337, RewardPool: pool}, acct, amt)
	if !bytesEq(got[:], want) {
		t.Fatalf("digest %x, apitypes %x", got, want)
	}
}

func bytesEq(a, b []byte) bool { return string(a) == string(b) }

func TestSignVerify(t *testing.T) {
	key, _ := crypto.GenerateKey()
	other, _ := crypto.GenerateKey()
	d := Domain{ChainID: 1337, RewardPool: pool}
	s := NewSigner(key, d)
	acct := common.HexToAddress("0x00000000000000000000000000000000000000bb")
	v, err := s.SignVoucher(context.Background(), acct, big.NewInt(500))
	if err != nil {
		t.Fatal(err)
	}
	if p, err := Verify(v, d, s.Address()); err != nil || p.Cumulative.Int64() != 500 || p.Account != acct {
		t.Fatalf("Verify good voucher: %v %+v", err, p)
	}
	if got, err := Recover(v); err != nil || got != s.Address() {
		t.Fatalf("Recover: %v %v", got, err)
	}

	tampered := v
	tampered.CumulativeAmount = "501"
	foreignChain := v
	foreignChain.ChainID = 1
	foreignPool := v
	foreignPool.RewardPool = "0x00000000000000000000000000000000000000cc"
	highS := v
	sig, _ := hexutil.Decode(v.Signature)
	sBig := new(big.Int).SetBytes(sig[32:64])
	sBig.Sub(crypto.S256().Params().N, sBig)
	copy(sig[32:64], common.LeftPadBytes(sBig.Bytes(), 32))
	sig[64] ^= 1 // 27 <-> 28
	highS.Signature = hexutil.Encode(sig)

	cases := []struct {
		name string
		v    func() error
		want error
	}{
		{"tampered amount", func() error { _, err := Verify(tampered, d, s.Address()); return err }, ErrWrongSigner},
		{"other signer", func() error { _, err := Verify(v, d, crypto.PubkeyToAddress(other.PublicKey)); return err }, ErrWrongSigner},
		{"foreign chain", func() error { _, err := Verify(foreignChain, d, s.Address()); return err }, ErrWrongDomain},
		{"foreign pool", func() error { _, err := Verify(foreignPool, d, s.Address()); return err }, ErrWrongDomain},
		{"malleable high s", func() error { _, err := Verify(highS, d, s.Address()); return err }, ErrBadSignature},
		{"garbage amount", func() error { x := v; x.CumulativeAmount = "1e18"; _, err := Verify(x, d, s.Address()); return err }, ErrMalformed},
		{"negative amount", func() error { x := v; x.CumulativeAmount = "-1"; _, err := Parse(x); return err }, ErrMalformed},
		{"short signature", func() error { x := v; x.Signature = "0x1234"; _, err := Parse(x); return err }, ErrMalformed},
		{"bad account", func() error { x := v; x.Account = "nope"; _, err := Parse(x); return err }, ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.v(); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
	if _, err := Sign(key, d, acct, big.NewInt(-1)); !errors.Is(err, ErrMalformed) {
		t.Fatalf("negative amount signed: %v", err)
	}
}
