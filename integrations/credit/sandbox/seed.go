package sandbox

// Fixture subjects of SeedDefaults: the same people and companies as in the
// e-license and base-data sandboxes.
const (
	ZhangSanID   = "330106198503121231" // 张三: normal
	WangWuID     = "330105197809207897" // 王五: 失信被执行人 (black)
	OuyangID     = "330108199501150247" // 欧阳娜娜: 纳税信用A级 (red)
	RestaurantID = "91330106MA2H3K4L5N" // 杭州西湖示例餐饮有限公司: normal
	RevokedCoID  = "91330102MA27Q8R9T3" // 示例贸易有限公司: 严重违法失信企业 (black)
)

// SeedDefaults puts the fixture subjects on their lists.
func (s *Sandbox) SeedDefaults() {
	s.Blacklist(WangWuID, "失信被执行人名单")
	s.Redlist(OuyangID, "纳税信用A级纳税人名单")
	s.Blacklist(RevokedCoID, "严重违法失信企业名单")
}
