// Package basedata is the client of the base-data libraries (基础数据库)
// behind the exchange: the population library (人口库), for real-name
// checks and pre-filling a resident's particulars, and the legal-entity
// library (法人库), for a company's registration and for checking a legal
// representative with the full ID number (VerifyRepresentative), which the
// registration only ever shows masked.
//
// Data minimisation: Resident asks for named fields only and keeps only
// those, even if the library sent more. Identifiers are validated with
// package ident before anything is sent. The sandbox, in package
// basedata/sandbox, speaks the same protocol over HTTP.
package basedata
