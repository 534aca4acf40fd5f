// Package e2e holds the end-to-end tests: they build the fazhi binary, start it on a fresh data
// directory and drive it from outside — headless Chromium over the DevTools protocol for the pages,
// the JSON API and SIGKILL for durability. They run only with FAZHI_E2E=1 (.ci/run sets it).
package e2e
