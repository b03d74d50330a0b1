package ident

// Mod3736 exposes the check computation to the external tests, which pin it
// against published ISO/IEC 7064 vectors.
var Mod3736 = mod3736
