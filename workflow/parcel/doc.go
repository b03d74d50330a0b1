// Package parcel is what the courier legs of a case (材料收取, 结果送达)
// need from a courier company, in the companies' common terms: order a
// parcel collected and carried, cancel it, follow its route, and take the
// route pushes the company sends to our callback. Provider is the port the
// courier desk (workflow/desk) declares; each company's client implements
// it in its own protocol:
//
//   - integrations/courier/sf, an SF-style open platform: form fields
//     partnerID, requestID, serviceCode, timestamp, msgDigest, msgData, with
//     msgDigest = Base64(MD5(urlencode(msgData + timestamp + checkword)));
//     route pushes signed the same way.
//   - integrations/courier/kuaidi100, a Kuaidi100-style service: form fields
//     customer, param (JSON), sign = UPPER(MD5(param + key + customer)); a
//     tracking subscription whose pushes are signed UPPER(MD5(param + salt)).
//
// Events are normalised to a State, so the legs never see a provider's own
// codes. Contacts carry personal data: they print masked.
//
// It uses the standard library and workflow/ident only.
package parcel
