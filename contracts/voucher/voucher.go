// Package voucher signs and checks the coordinator's EIP-712 reward
// vouchers: "Account has earned CumulativeAmount in total", bound to one
// RewardPool contract on one chain. The typed data matches RewardPool.sol:
//
//	EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)
//	  name "idlenode RewardPool", version "1"
//	Voucher(address account,uint256 cumulativeAmount)
package voucher

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/idlenode/idlenode/protocol"
)

// Domain name and version, as in RewardPool.sol.
const (
	DomainName    = "idlenode RewardPool"
	DomainVersion = "1"
)

var (
	// ErrMalformed means a voucher field does not parse.
	ErrMalformed = errors.New("malformed voucher")
	// ErrBadSignature means the signature is not a valid secp256k1 signature.
	ErrBadSignature = errors.New("voucher signature invalid")
	// ErrWrongSigner means the voucher was signed by another key.
	ErrWrongSigner = errors.New("voucher signed by an unexpected key")
	// ErrWrongDomain means the voucher is for another chain or RewardPool.
	ErrWrongDomain = errors.New("voucher is for another chain or reward pool")
)

var (
	domainTypeHash  = crypto.Keccak256Hash([]byte("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"))
	voucherTypeHash = crypto.Keccak256Hash([]byte("Voucher(address account,uint256 cumulativeAmount)"))
	nameHash        = crypto.Keccak256Hash([]byte(DomainName))
	versionHash     = crypto.Keccak256Hash([]byte(DomainVersion))
	// secp256k1 n / 2: RewardPool refuses signatures with a larger s.
	halfN = new(big.Int).Rsh(crypto.S256().Params().N, 1)
)

// Domain binds vouchers to one RewardPool on one chain.
type Domain struct {
	ChainID    uint64
	RewardPool common.Address
}

// Separator is the EIP-712 domain separator.
func (d Domain) Separator() common.Hash {
	return crypto.Keccak256Hash(
		domainTypeHash[:], nameHash[:], versionHash[:],
		math.U256Bytes(new(big.Int).SetUint64(d.ChainID)),
		common.LeftPadBytes(d.RewardPool[:], 32),
	)
}

// Digest is the hash the coordinator signs: keccak256("\x19\x01" ‖
// domainSeparator ‖ hashStruct(voucher)).
func Digest(d Domain, account common.Address, cumulative *big.Int) common.Hash {
	structHash := crypto.Keccak256Hash(
		voucherTypeHash[:],
		common.LeftPadBytes(account[:], 32),
		math.U256Bytes(new(big.Int).Set(cumulative)),
	)
	sep := d.Separator()
	return crypto.Keccak256Hash([]byte("\x19\x01"), sep[:], structHash[:])
}

// Sign makes a voucher for account's cumulative earnings.
func Sign(key *ecdsa.PrivateKey, d Domain, account common.Address, cumulative *big.Int) (protocol.Voucher, error) {
	if cumulative == nil || cumulative.Sign() < 0 || cumulative.BitLen() > 256 {
		return protocol.Voucher{}, fmt.Errorf("sign voucher: %w: amount must be a uint256", ErrMalformed)
	}
	digest := Digest(d, account, cumulative)
	sig, err := crypto.Sign(digest[:], key)
	if err != nil {
		return protocol.Voucher{}, fmt.Errorf("sign voucher: %w", err)
	}
	sig[64] += 27
	return protocol.Voucher{
		Account:          account.Hex(),
		CumulativeAmount: cumulative.String(),
		ChainID:          d.ChainID,
		RewardPool:       d.RewardPool.Hex(),
		Signature:        hexutil.Encode(sig),
	}, nil
}

// Parsed is a voucher's fields in Go types.
type Parsed struct {
	Account    common.Address
	Cumulative *big.Int
	Domain     Domain
	Signature  []byte // 65 bytes, v in {27, 28}
}

// Parse checks a voucher's fields and converts them.
func Parse(v protocol.Voucher) (Parsed, error) {
	var p Parsed
	if !common.IsHexAddress(v.Account) {
		return p, fmt.Errorf("%w: account %q is not an address", ErrMalformed, v.Account)
	}
	if !common.IsHexAddress(v.RewardPool) {
		return p, fmt.Errorf("%w: reward pool %q is not an address", ErrMalformed, v.RewardPool)
	}
	amt, ok := new(big.Int).SetString(strings.TrimSpace(v.CumulativeAmount), 10)
	if !ok || amt.Sign() < 0 || amt.BitLen() > 256 {
		return p, fmt.Errorf("%w: amount %q is not a uint256", ErrMalformed, v.CumulativeAmount)
	}
	sig, err := hexutil.Decode(v.Signature)
	if err != nil || len(sig) != 65 {
		return p, fmt.Errorf("%w: signature is not 65 bytes of 0x-hex", ErrMalformed)
	}
	p.Account = common.HexToAddress(v.Account)
	p.Cumulative = amt
	p.Domain = Domain{ChainID: v.ChainID, RewardPool: common.HexToAddress(v.RewardPool)}
	p.Signature = sig
	return p, nil
}

// Recover returns the address that signed v (for the domain written in v).
func Recover(v protocol.Voucher) (common.Address, error) {
	p, err := Parse(v)
	if err != nil {
		return common.Address{}, err
	}
	return p.recover()
}

func (p Parsed) recover() (common.Address, error) {
	sig := append([]byte(nil), p.Signature...)
	if sig[64] >= 27 {
		sig[64] -= 27
	}
	if sig[64] > 1 || new(big.Int).SetBytes(sig[32:64]).Cmp(halfN) > 0 {
		return common.Address{}, ErrBadSignature
	}
	digest := Digest(p.Domain, p.Account, p.Cumulative)
	pub, err := crypto.SigToPub(digest[:], sig)
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	return crypto.PubkeyToAddress(*pub), nil
}

// Verify checks that v is for domain d and signed by signer, as RewardPool
// would, and returns the parsed voucher.
func Verify(v protocol.Voucher, d Domain, signer common.Address) (Parsed, error) {
	p, err := Parse(v)
	if err != nil {
		return p, err
	}
	if p.Domain != d {
		return p, fmt.Errorf("%w: voucher for chain %d pool %s, want chain %d pool %s",
			ErrWrongDomain, p.Domain.ChainID, p.Domain.RewardPool.Hex(), d.ChainID, d.RewardPool.Hex())
	}
	got, err := p.recover()
	if err != nil {
		return p, err
	}
	if got != signer {
		return p, fmt.Errorf("%w: signed by %s, want %s", ErrWrongSigner, got.Hex(), signer.Hex())
	}
	return p, nil
}

// Signer signs vouchers with the coordinator's key for one domain. It is
// safe for concurrent use.
type Signer struct {
	key    *ecdsa.PrivateKey
	domain Domain
}

// NewSigner returns a Signer. It keeps key in memory for its lifetime.
func NewSigner(key *ecdsa.PrivateKey, d Domain) *Signer {
	return &Signer{key: key, domain: d}
}

// Address is the signing key's address (RewardPool's signer).
func (s *Signer) Address() common.Address { return crypto.PubkeyToAddress(s.key.PublicKey) }

// Domain is the domain the Signer signs for.
func (s *Signer) Domain() Domain { return s.domain }

// SignVoucher signs "account has earned cumulative in total".
func (s *Signer) SignVoucher(ctx context.Context, account common.Address, cumulative *big.Int) (protocol.Voucher, error) {
	if err := ctx.Err(); err != nil {
		return protocol.Voucher{}, err
	}
	return Sign(s.key, s.domain, account, cumulative)
}
