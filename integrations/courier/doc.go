// Package courier is what the courier legs of a case (材料收取, 结果送达)
// need from a courier company: order a parcel collected and carried, cancel
// it, follow its route, and take the route pushes the company sends to our
// callback. Providers sit behind one interface; each speaks its company's
// own protocol:
//
//   - courier/sf, an SF-style open platform: form fields partnerID,
//     requestID, serviceCode, timestamp, msgDigest, msgData, with
//     msgDigest = Base64(MD5(urlencode(msgData + timestamp + checkword)));
//     route pushes signed the same way.
//   - courier/kuaidi100, a Kuaidi100-style service: form fields customer,
//     param (JSON), sign = UPPER(MD5(param + key + customer)); a tracking
//     subscription whose pushes are signed UPPER(MD5(param + salt)).
//
// Each has a sandbox subpackage that also plays the courier company: it
// assigns waybill numbers, and its test hooks advance a parcel through its
// states, sending the signed route pushes to our callback.
//
// Events are normalised to a State, so the legs never see a provider's own
// codes. Contacts carry personal data: they print masked.
package courier
