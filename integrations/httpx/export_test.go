package httpx

// LoopbackTransport exposes the guarded transport so the external tests can
// check its dial-time refusal, which a literal-host request never reaches.
var LoopbackTransport = loopbackTransport
