#!/usr/bin/env bash
# Compiles the Solidity contracts with the pinned solc-js (from the npm
# registry) and regenerates the committed ABI, bytecode and Go bindings
# (go-ethereum's abigen). A normal build needs neither: only run this after
# changing contracts/src. Needs node and npm.
set -euo pipefail
cd "$(dirname "$0")/../contracts"

if [ ! -d node_modules/solc ]; then
  npm ci --no-audit --no-fund
fi
node compile.js

abigen=(go run github.com/ethereum/go-ethereum/cmd/abigen@v1.17.10)
if [ -n "${ABIGEN:-}" ]; then abigen=("$ABIGEN"); fi
mkdir -p bindings
for name in RewardToken Staking RewardPool; do
  lower=$(echo "$name" | tr '[:upper:]' '[:lower:]')
  "${abigen[@]}" --v2 --pkg bindings --type "$name" \
    --abi "build/$name.abi" --bin "build/$name.bin" --out "bindings/$lower.go"
done
echo "contracts: regenerated build/ and bindings/"
