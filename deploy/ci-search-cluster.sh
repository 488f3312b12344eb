#!/usr/bin/env bash
# CI: the three-node search cluster for the `es` tests (tests/search/test_cluster.py).
# Sourced by .ci/run after `make services`:
#
#     . deploy/ci-search-cluster.sh
#
# Installs Maven and a Java 17 runtime from Debian when missing, builds and starts the
# cluster (deploy/search-cluster.sh), and exports SODAN_TEST_SEARCH_URLS, which the suite
# reads: with it set, none of the cluster tests skips.

if ! command -v mvn >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
    _sudo=""
    [ "$(id -u)" = "0" ] || _sudo="sudo"
    $_sudo apt-get update -qq
    $_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven openjdk-17-jdk-headless curl >/dev/null
fi
bash "$(dirname "${BASH_SOURCE[0]}")/search-cluster.sh" start
SODAN_TEST_SEARCH_URLS="$(bash "$(dirname "${BASH_SOURCE[0]}")/search-cluster.sh" urls)"
export SODAN_TEST_SEARCH_URLS
echo "SODAN_TEST_SEARCH_URLS=$SODAN_TEST_SEARCH_URLS"
