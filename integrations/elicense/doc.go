// Package elicense is the client of the e-license library (电子证照库): it
// finds a holder's licences for pre-filling an application, downloads a
// licence file and checks its hash, issues a case's result licence (once per
// case number, however often the outbox redelivers) and revokes it when a
// commitment proves false.
//
// Every licence carries an identifier built by ident.BuildLicenceID and an
// SM2 signature, by the issuing department's key, over its canonical JSON
// (see Canonical and VerifyLicence); the department's public key is served
// by the library (Client.PublicKey).
//
// The library speaks the exchange protocol (package exchange). Its sandbox,
// in package elicense/sandbox, speaks the same protocol over HTTP.
package elicense
