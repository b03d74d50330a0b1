// Package ident validates, normalises, generates and masks the Chinese
// identifiers the product handles: the resident ID number (GB 11643), the
// unified social credit code (GB 32100) and the e-license identifier
// (1.2.156.3005.2.…, check character ISO/IEC 7064 MOD 37,36).
//
// It uses the standard library only. Every rejection is an *Error with a
// stable Code for programs and a Chinese Message for people, and wraps
// ErrInvalid. Error texts never repeat the input, because the input may be
// a personal ID number that must not reach the logs.
package ident
