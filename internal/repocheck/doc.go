// Package repocheck holds checks on the repository itself rather than on
// beamline's code: its test scans every tracked file for credentials, so
// that none is ever committed.
package repocheck
