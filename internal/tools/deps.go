//go:build tools

// Package tools pins modules that the project's packages will import, so
// that parallel work on separate packages shares one go.mod. Removed once
// every module is imported by real code.
package tools

import (
	_ "fyne.io/fyne/v2/app"
	_ "fyne.io/fyne/v2/test"
	_ "fyne.io/fyne/v2/widget"
	_ "fyne.io/systray"
	_ "golang.org/x/sys/unix"
	_ "github.com/NVIDIA/go-nvml/pkg/nvml"
	_ "github.com/bytecodealliance/wasmtime-go/v39"
	_ "github.com/distatus/battery"
	_ "github.com/emersion/go-autostart"
	_ "github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	_ "github.com/ethereum/go-ethereum/accounts/keystore"
	_ "github.com/ethereum/go-ethereum/crypto"
	_ "github.com/ethereum/go-ethereum/ethclient"
	_ "github.com/ethereum/go-ethereum/ethclient/simulated"
	_ "github.com/ethereum/go-ethereum/signer/core/apitypes"
	_ "github.com/getkin/kin-openapi/openapi3filter"
	_ "github.com/godbus/dbus/v5"
	_ "github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jezek/xgb/screensaver"
	_ "github.com/prometheus/client_golang/prometheus/promhttp"
	_ "github.com/shirou/gopsutil/v4/cpu"
	_ "github.com/shirou/gopsutil/v4/process"
	_ "github.com/skip2/go-qrcode"
	_ "github.com/zalando/go-keyring"
	_ "golang.org/x/time/rate"
	_ "modernc.org/sqlite"
)
