package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/ethereum/go-ethereum/common"
	"golang.org/x/term"

	"github.com/idlenode/idlenode/app"
	"github.com/idlenode/idlenode/protocol"
	"github.com/idlenode/idlenode/protocol/client"
	"github.com/idlenode/idlenode/wallet"
)

func init() {
	register(command{name: "wallet", summary: "manage the wallet: create, import, export, address, balance, claim, stake, unstake, withdraw, send, history", run: runWallet})
}

const walletUsage = `Usage: idlenode wallet SUBCOMMAND [flags]

  create                          make a new key (passphrase kept in the OS keyring)
  import --keystore FILE | --private-key-file FILE
  export --out FILE               write an encrypted backup and check it restores
  address [--set-payout ADDR|none]
  balance  [--network FILE] [--voucher FILE]
  claim    [--network FILE] [--voucher FILE]
  stake    [--network FILE] AMOUNT
  unstake  [--network FILE] AMOUNT
  withdraw [--network FILE]
  send     [--network FILE] [--token] TO AMOUNT
  history  [--network FILE]        (with --network: update pending entries first)

Common flags: --home DIR (the node's folder, as for 'idlenode run --home'), --dir DIR (default: the OS config dir/idlenode/wallet),
--passphrase-file FILE (when no OS keyring holds the passphrase). Chain commands use the joined network unless --network FILE is given.
Amounts are decimal tokens ("1.5"); with send without --token, native coin.`

// walletFlags are shared by every subcommand.
type walletFlags struct {
	fs        *flag.FlagSet
	dir       string
	passFile  string
	network   string
	voucher   string
	home      string
	stderr    io.Writer
	isTerm    bool
	termInput *os.File
}

func defaultWalletDir() string {
	d, err := os.UserConfigDir()
	if err != nil {
		return filepath.Join(".", "idlenode", "wallet")
	}
	return filepath.Join(d, "idlenode", "wallet")
}

func newWalletFlags(sub string, stderr io.Writer, chain bool) *walletFlags {
	wf := &walletFlags{fs: newFlags("wallet "+sub, stderr), stderr: stderr, termInput: os.Stdin}
	wf.isTerm = term.IsTerminal(int(os.Stdin.Fd()))
	wf.fs.StringVar(&wf.dir, "dir", defaultWalletDir(), "wallet directory")
	wf.fs.StringVar(&wf.home, "home", "", "the node's home folder (as for 'idlenode run --home'): its wallet and joined network")
	wf.fs.StringVar(&wf.passFile, "passphrase-file", "", "file whose first line is the keystore passphrase")
	if chain {
		wf.fs.StringVar(&wf.network, "network", "", "network descriptor JSON file (default: the network the node joined)")
	}
	wf.fs.Usage = func() { fmt.Fprintln(stderr, walletUsage); fmt.Fprintln(stderr); wf.fs.PrintDefaults() }
	return wf
}

// readSecretFile reads the first line of path.
func readSecretFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read passphrase file: %w", err)
	}
	defer f.Close()
	line, err := bufio.NewReader(io.LimitReader(f, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read passphrase file: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("passphrase file %s is empty", path)
	}
	return line, nil
}

// askSecret reads a secret from the terminal without echo.
func (wf *walletFlags) askSecret(prompt string) (string, error) {
	if !wf.isTerm {
		return "", wallet.ErrPassphraseNeeded
	}
	fmt.Fprint(wf.stderr, prompt)
	b, err := term.ReadPassword(int(wf.termInput.Fd()))
	fmt.Fprintln(wf.stderr)
	if err != nil {
		return "", fmt.Errorf("read passphrase: %w", err)
	}
	return string(b), nil
}

// prompt is the wallet's PromptFunc: --passphrase-file, else the terminal.
func (wf *walletFlags) prompt(_ context.Context, reason string) (string, error) {
	if wf.passFile != "" {
		return readSecretFile(wf.passFile)
	}
	if !wf.isTerm {
		return "", fmt.Errorf("%w: %s; give --passphrase-file", wallet.ErrPassphraseNeeded, reason)
	}
	fmt.Fprintf(wf.stderr, "The wallet passphrase is needed (%s).\n", reason)
	return wf.askSecret("Passphrase: ")
}

// noKeyringWhy says, for a wallet that could not keep a generated
// passphrase, why the owner must choose one.
func noKeyringWhy(err error) string {
	why := err.Error()
	for e := err; e != nil; e = errors.Unwrap(e) {
		if strings.HasPrefix(e.Error(), wallet.ErrNoKeyring.Error()) {
			why = e.Error() // the innermost: the keyring's own words
		}
	}
	return fmt.Sprintf("No OS keyring can keep a generated passphrase (%s), so choose one.", why)
}

// minPassphrase is the shortest passphrase accepted for a new key file or
// backup, typed or read from a file.
const minPassphrase = 8

// checkNewPassphrase applies the rules for a new passphrase (not for one
// that unlocks an existing key file).
func checkNewPassphrase(p string) error {
	if utf8.RuneCountInString(p) < minPassphrase {
		return fmt.Errorf("the passphrase needs at least %d characters", minPassphrase)
	}
	return nil
}

// readNewPassphraseFile reads a new passphrase from path and checks it.
func readNewPassphraseFile(path string) (string, error) {
	p, err := readSecretFile(path)
	if err != nil {
		return "", err
	}
	if err := checkNewPassphrase(p); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// newPassphrase gets a passphrase for a new key file: from file (the
// --passphrase-file or --backup-passphrase-file named by flagName) or typed
// twice. why is a sentence saying what it is for.
func (wf *walletFlags) newPassphrase(why, file, flagName string) (string, error) {
	if file != "" {
		return readNewPassphraseFile(file)
	}
	if !wf.isTerm {
		return "", fmt.Errorf("%w: %s; no terminal to type it in: give it in a file with %s FILE",
			wallet.ErrPassphraseNeeded, strings.TrimRight(why, ". "), flagName)
	}
	fmt.Fprintln(wf.stderr, why)
	p1, err := wf.askSecret("New passphrase: ")
	if err != nil {
		return "", err
	}
	p2, err := wf.askSecret("Repeat it: ")
	if err != nil {
		return "", err
	}
	if p1 != p2 {
		return "", errors.New("the passphrases differ")
	}
	if err := checkNewPassphrase(p1); err != nil {
		return "", err
	}
	return p1, nil
}

// walletLightScrypt makes new key files cheap to encrypt: tests only.
var walletLightScrypt = false

func (wf *walletFlags) options() wallet.Options {
	return wallet.Options{Prompt: wf.prompt, LightScrypt: walletLightScrypt}
}

// applyHome points the wallet and network at the node's own files when
// --home (or $IDLENODE_HOME) names a node, or the network at the node's
// joined network by default.
func (wf *walletFlags) applyHome() {
	dirSet := false
	wf.fs.Visit(func(f *flag.Flag) { dirSet = dirSet || f.Name == "dir" })
	paths, err := app.DefaultPaths(wf.home)
	if err != nil {
		return
	}
	if !dirSet && (wf.home != "" || os.Getenv(app.HomeEnv) != "") {
		wf.dir = paths.Wallet()
	}
	if wf.network == "" {
		if _, err := os.Stat(paths.Network()); err == nil {
			wf.network = paths.Network()
		}
	}
}

func (wf *walletFlags) open() (*wallet.Wallet, error) {
	wf.applyHome()
	w, err := wallet.Open(wf.dir, wf.options())
	if errors.Is(err, wallet.ErrNoWallet) {
		return nil, fmt.Errorf("%w; run 'idlenode wallet create' first", err)
	}
	return w, err
}

func (wf *walletFlags) connect(ctx context.Context) (*wallet.Wallet, *wallet.Chain, protocol.Network, error) {
	var n protocol.Network
	wf.applyHome()
	if wf.network == "" {
		return nil, nil, n, exitError{Code: 2, Msg: "no network: join one ('idlenode join FILE') or give --network FILE"}
	}
	b, err := os.ReadFile(wf.network)
	if err != nil {
		return nil, nil, n, fmt.Errorf("read network: %w", err)
	}
	if err := json.Unmarshal(b, &n); err != nil {
		return nil, nil, n, fmt.Errorf("read network %s: %w", wf.network, err)
	}
	if n.TokenDecimals == 0 {
		n.TokenDecimals = 18
	}
	if n.TokenSymbol == "" {
		n.TokenSymbol = "tokens"
	}
	w, err := wf.open()
	if err != nil {
		return nil, nil, n, err
	}
	c, err := w.Connect(ctx, n)
	if err != nil {
		return nil, nil, n, err
	}
	return w, c, n, nil
}

func runWallet(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stdout, walletUsage)
		return nil
	}
	sub, rest := args[0], args[1:]
	chain := map[string]bool{"history": true, "balance": true, "claim": true, "stake": true, "unstake": true, "withdraw": true, "send": true}
	known := map[string]bool{"create": true, "import": true, "export": true, "address": true}
	if !chain[sub] && !known[sub] {
		fmt.Fprintf(stderr, "idlenode wallet: unknown subcommand %q\n\n%s\n", sub, walletUsage)
		return errUsage
	}
	wf := newWalletFlags(sub, stderr, chain[sub])
	switch sub {
	case "create":
		return walletCreate(ctx, wf, rest, stdout)
	case "import":
		return walletImport(ctx, wf, rest, stdout)
	case "export":
		return walletExport(ctx, wf, rest, stdout)
	case "address":
		return walletAddress(wf, rest, stdout)
	case "history":
		return walletHistory(ctx, wf, rest, stdout)
	case "balance":
		wf.fs.StringVar(&wf.voucher, "voucher", "", "voucher JSON file (default: the latest from the network's coordinator)")
	case "claim":
		wf.fs.StringVar(&wf.voucher, "voucher", "", "voucher JSON file (default: the latest from the network's coordinator)")
	}
	token := false
	if sub == "send" {
		wf.fs.BoolVar(&token, "token", false, "send reward tokens instead of native coin")
	}
	if err := parseFlags(wf.fs, rest); err != nil {
		return err
	}
	if (sub == "stake" || sub == "unstake") && wf.fs.NArg() != 1 {
		fmt.Fprintf(stderr, "idlenode wallet %s: want one AMOUNT in tokens, like 'idlenode wallet %s 1.5'\n", sub, sub)
		fmt.Fprintf(stderr, "Usage: idlenode wallet %s [--network FILE] AMOUNT\n", sub)
		return errUsage
	}
	var sendTo common.Address
	if sub == "send" {
		if wf.fs.NArg() != 2 {
			fmt.Fprintln(stderr, "idlenode wallet send: want TO AMOUNT, TO a 0x address")
			return errUsage
		}
		a, err := wallet.ParseAddress(wf.fs.Arg(0))
		if err != nil {
			return exitError{Code: 2, Msg: "send: " + err.Error()}
		}
		sendTo = a
	}
	w, c, n, err := wf.connect(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	fmtTok := func(v *big.Int) string { return wallet.FormatAmount(v, n.TokenDecimals) + " " + n.TokenSymbol }
	printReceipt := func(what string, r wallet.Receipt, start time.Time) {
		fmt.Fprintf(stdout, "%s: confirmed in block %d, gas used %d, tx %s (%.2fs)\n",
			what, r.Block, r.GasUsed, r.Hash.Hex(), time.Since(start).Seconds())
	}
	start := time.Now()
	switch sub {
	case "balance":
		bs, err := c.Balances(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "address    %s\n", w.Address().Hex())
		fmt.Fprintf(stdout, "gas coin   %s\n", wallet.FormatAmount(bs.Native, 18))
		fmt.Fprintf(stdout, "tokens     %s\n", fmtTok(bs.Token))
		fmt.Fprintf(stdout, "staked     %s\n", fmtTok(bs.Staked))
		if bs.Unstaking.Sign() > 0 {
			state := "ready to withdraw"
			if bs.CooldownLeft > 0 {
				state = "cooldown " + bs.CooldownLeft.String() + " left"
			}
			fmt.Fprintf(stdout, "unstaking  %s (%s)\n", fmtTok(bs.Unstaking), state)
		}
		fmt.Fprintf(stdout, "claimed    %s\n", fmtTok(bs.Claimed))
		if src, err := voucherSource(wf, w, n); err == nil {
			left, _, err := c.Claimable(ctx, src)
			if err != nil {
				fmt.Fprintf(stdout, "claimable  unknown (%v)\n", err)
			} else {
				fmt.Fprintf(stdout, "claimable  %s\n", fmtTok(left))
			}
		}
		return nil
	case "claim":
		src, err := voucherSource(wf, w, n)
		if err != nil {
			return err
		}
		r, err := c.Claim(ctx, src)
		if err != nil {
			return err
		}
		to := w.Address()
		if p := w.Payout(); p != (common.Address{}) {
			to = p
		}
		bal, err := c.TokenBalance(ctx, to)
		if err != nil {
			return err
		}
		printReceipt("claimed "+fmtTok(r.Amount)+" to "+to.Hex(), r, start)
		fmt.Fprintf(stdout, "balance now %s\n", fmtTok(bal))
		return nil
	case "stake", "unstake":
		amt, err := wallet.ParseAmount(wf.fs.Arg(0), n.TokenDecimals)
		if err != nil {
			return exitError{Code: 2, Msg: sub + ": " + err.Error()}
		}
		var r wallet.Receipt
		if sub == "stake" {
			r, err = c.Stake(ctx, amt)
		} else {
			r, err = c.RequestUnstake(ctx, amt)
		}
		if err != nil {
			return err
		}
		printReceipt(sub+" "+fmtTok(amt), r, start)
		return nil
	case "withdraw":
		r, err := c.Withdraw(ctx)
		if err != nil {
			return err
		}
		printReceipt("withdrew "+fmtTok(r.Amount), r, start)
		return nil
	case "send":
		to := sendTo
		dec, unit := 18, "gas coin"
		if token {
			dec, unit = n.TokenDecimals, n.TokenSymbol
		}
		amt, err := wallet.ParseAmount(wf.fs.Arg(1), dec)
		if err != nil {
			return exitError{Code: 2, Msg: "send: " + err.Error()}
		}
		var r wallet.Receipt
		if token {
			r, err = c.SendToken(ctx, to, amt)
		} else {
			r, err = c.Send(ctx, to, amt)
		}
		if err != nil {
			return err
		}
		printReceipt("sent "+wallet.FormatAmount(amt, dec)+" "+unit+" to "+to.Hex(), r, start)
		return nil
	}
	return errUsage
}

func walletCreate(ctx context.Context, wf *walletFlags, args []string, stdout io.Writer) error {
	if err := parseFlags(wf.fs, args); err != nil {
		return err
	}
	wf.applyHome()
	pass := ""
	if wf.passFile != "" {
		p, err := readNewPassphraseFile(wf.passFile)
		if err != nil {
			return err
		}
		pass = p
	}
	w, err := wallet.Create(ctx, wf.dir, pass, wf.options())
	if errors.Is(err, wallet.ErrNoKeyring) && pass == "" {
		p, perr := wf.newPassphrase(noKeyringWhy(err), "", "--passphrase-file")
		if perr != nil {
			return perr
		}
		w, err = wallet.Create(ctx, wf.dir, p, wf.options())
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created wallet %s in %s\n", w.Address().Hex(), wf.dir)
	fmt.Fprintln(stdout, "back it up: idlenode wallet export --out FILE")
	return nil
}

func walletImport(ctx context.Context, wf *walletFlags, args []string, stdout io.Writer) error {
	var keystoreFile, keyFile, keystorePassFile string
	wf.fs.StringVar(&keystoreFile, "keystore", "", "keystore (or backup) file to import")
	wf.fs.StringVar(&keystorePassFile, "keystore-passphrase-file", "", "file holding the imported keystore's passphrase")
	wf.fs.StringVar(&keyFile, "private-key-file", "", "file holding a hex private key")
	if err := parseFlags(wf.fs, args); err != nil {
		return err
	}
	if (keystoreFile == "") == (keyFile == "") {
		fmt.Fprintln(wf.stderr, "idlenode wallet import: give exactly one of --keystore or --private-key-file")
		return errUsage
	}
	wf.applyHome()
	pass := ""
	if wf.passFile != "" {
		p, err := readNewPassphraseFile(wf.passFile)
		if err != nil {
			return err
		}
		pass = p
	}
	var w *wallet.Wallet
	var err error
	install := func(pass string) error {
		if keyFile != "" {
			hexKey, rerr := readSecretFile(keyFile)
			if rerr != nil {
				return rerr
			}
			w, err = wallet.ImportKey(ctx, wf.dir, hexKey, pass, wf.options())
			return err
		}
		var filePass string
		if keystorePassFile != "" {
			filePass, err = readSecretFile(keystorePassFile)
		} else {
			filePass, err = wf.askSecret("Passphrase of " + keystoreFile + ": ")
			if errors.Is(err, wallet.ErrPassphraseNeeded) {
				err = fmt.Errorf("%w: give --keystore-passphrase-file", err)
			}
		}
		if err != nil {
			return err
		}
		w, err = wallet.ImportKeyFile(ctx, wf.dir, keystoreFile, filePass, pass, wf.options())
		return err
	}
	err = install(pass)
	if errors.Is(err, wallet.ErrNoKeyring) && pass == "" {
		p, perr := wf.newPassphrase(noKeyringWhy(err), "", "--passphrase-file")
		if perr != nil {
			return perr
		}
		err = install(p)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported wallet %s into %s\n", w.Address().Hex(), wf.dir)
	return nil
}

func walletExport(ctx context.Context, wf *walletFlags, args []string, stdout io.Writer) error {
	var out, backupPassFile string
	wf.fs.StringVar(&out, "out", "", "backup file to write (must not exist)")
	wf.fs.StringVar(&backupPassFile, "backup-passphrase-file", "", "file holding the backup's passphrase")
	if err := parseFlags(wf.fs, args); err != nil {
		return err
	}
	if out == "" {
		fmt.Fprintln(wf.stderr, "idlenode wallet export: --out FILE is required")
		return errUsage
	}
	w, err := wf.open()
	if err != nil {
		return err
	}
	if _, err := os.Lstat(out); err == nil {
		return exitError{Code: 1, Msg: fmt.Sprintf("the backup file %s already exists and will not be overwritten: choose another --out", out)}
	}
	bp, err := wf.newPassphrase("Choose a passphrase for the backup; you need it to restore.", backupPassFile, "--backup-passphrase-file")
	if err != nil {
		return err
	}
	if err := w.Export(ctx, out, bp); err != nil {
		return err
	}
	if err := w.TestRestore(out, bp); err != nil {
		return fmt.Errorf("backup written but does not restore: %w", err)
	}
	fmt.Fprintf(stdout, "backup of %s written to %s and checked: it restores\n", w.Address().Hex(), out)
	return nil
}

func walletAddress(wf *walletFlags, args []string, stdout io.Writer) error {
	var payout string
	wf.fs.StringVar(&payout, "set-payout", "", "receive-only address to claim rewards to ('none' clears it)")
	if err := parseFlags(wf.fs, args); err != nil {
		return err
	}
	w, err := wf.open()
	if err != nil {
		return err
	}
	switch {
	case payout == "none":
		if err := w.SetPayout(common.Address{}); err != nil {
			return err
		}
	case payout != "":
		a, err := wallet.ParseAddress(payout)
		if err != nil {
			return exitError{Code: 2, Msg: "--set-payout: " + err.Error() + " ('none' clears the payout address)"}
		}
		if err := w.SetPayout(a); err != nil {
			return err
		}
	}
	fmt.Fprintln(stdout, w.Address().Hex())
	if p := w.Payout(); p != (common.Address{}) {
		fmt.Fprintf(stdout, "payout %s\n", p.Hex())
	}
	return nil
}

func walletHistory(ctx context.Context, wf *walletFlags, args []string, stdout io.Writer) error {
	if err := parseFlags(wf.fs, args); err != nil {
		return err
	}
	var w *wallet.Wallet
	var err error
	if wf.network != "" {
		// With a network, pending entries are looked up first.
		var c *wallet.Chain
		if w, c, _, err = wf.connect(ctx); err != nil {
			return err
		}
		defer c.Close()
		if _, err := c.RefreshHistory(ctx); err != nil {
			return err
		}
	} else if w, err = wf.open(); err != nil {
		return err
	}
	txs, err := w.History()
	if err != nil {
		return err
	}
	if len(txs) == 0 {
		fmt.Fprintln(stdout, "no transactions yet")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SENT\tKIND\tAMOUNT\tSTATUS\tBLOCK\tTX")
	for _, t := range txs {
		amt := ""
		if v, ok := new(big.Int).SetString(t.Amount, 10); ok {
			amt = wallet.FormatAmount(v, 18)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", t.Sent.Local().Format("2006-01-02 15:04:05"), t.Kind, amt, t.Status, t.Block, t.Hash)
	}
	return tw.Flush()
}

// voucherSource is the voucher file given, else the network's coordinator
// (signed in with the wallet's key).
func voucherSource(wf *walletFlags, w *wallet.Wallet, n protocol.Network) (wallet.VoucherSource, error) {
	if wf.voucher != "" {
		return wallet.FileVoucher(wf.voucher), nil
	}
	if n.CoordinatorURL == "" {
		return nil, exitError{Code: 2, Msg: "the network names no coordinator: give --voucher FILE"}
	}
	return client.New(n.CoordinatorURL, walletSigner{w})
}
