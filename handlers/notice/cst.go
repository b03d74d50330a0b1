package notice

import "time"

// cst is China Standard Time, the time of every date on a notice.
var cst = time.FixedZone("CST", 8*3600)
