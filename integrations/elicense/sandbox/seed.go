package sandbox

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"zerovisit/integrations/elicense"
	"zerovisit/workflow"
)

// Fixture holders and issuers of DefaultSeed. The people and companies are
// the same as in the base-data and credit sandboxes.
const (
	ZhangSanID   = "330106198503121231" // 张三: 居民身份证, 机动车驾驶证
	LiNaID       = "330106199007014562" // 李娜: 居民身份证, 居住证 (expired)
	RestaurantID = "91330106MA2H3K4L5N" // 杭州西湖示例餐饮有限公司: 营业执照, 食品经营许可证
	RevokedCoID  = "91330102MA27Q8R9T3" // 示例贸易有限公司: 营业执照 (revoked)

	MarketRegulatorID = "11330100002501234W" // 市市场监督管理局
	PublicSecurityID  = "11330100002502345X" // 市公安局
)

// DefaultDepartments maps the catalogue's department codes to the issuing
// departments the default configuration registers.
func DefaultDepartments() map[string]elicense.Issuer {
	return map[string]elicense.Issuer{
		"scjgj": {Code: MarketRegulatorID, Name: "杭州市市场监督管理局"},
		"gaj":   {Code: PublicSecurityID, Name: "杭州市公安局"},
		"wsjkw": {Code: "11330100002503456Y", Name: "杭州市卫生健康委员会"},
		"jtysj": {Code: "113301000025045670", Name: "杭州市交通运输局"},
		"mzj":   {Code: "113301000025056781", Name: "杭州市民政局"},
		"zjj":   {Code: "113301000025067892", Name: "杭州市住房和城乡建设局"},
		"gjjzx": {Code: "113301000025078904", Name: "杭州住房公积金管理中心"},
	}
}

// DefaultIssuers are the departments of DefaultDepartments, by code.
func DefaultIssuers() []elicense.Issuer {
	m := DefaultDepartments()
	out := make([]elicense.Issuer, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}

func day(y, m, d int) workflow.Date { return workflow.Date{Year: y, Month: time.Month(m), Day: d} }

// DefaultSeed returns the fixture licences (without case numbers).
func DefaultSeed() []elicense.IssueRequest {
	return []elicense.IssueRequest{
		{
			Type: "sfz", Name: "居民身份证", HolderID: ZhangSanID, HolderName: "张三",
			IssuerCode: PublicSecurityID, Issuer: "杭州市公安局西湖分局",
			IssuedOn: day(2016, 3, 12), ExpiresOn: day(2036, 3, 12),
			Items: map[string]string{"性别": "男", "民族": "汉", "出生": "1985-03-12"},
		},
		{
			Type: "jsz", Name: "机动车驾驶证", HolderID: ZhangSanID, HolderName: "张三",
			IssuerCode: PublicSecurityID, Issuer: "杭州市公安局交通警察支队",
			IssuedOn: day(2019, 6, 1), ExpiresOn: day(2029, 6, 1),
			Items: map[string]string{"准驾车型": "C1"},
		},
		{
			Type: "sfz", Name: "居民身份证", HolderID: LiNaID, HolderName: "李娜",
			IssuerCode: PublicSecurityID, Issuer: "杭州市公安局西湖分局",
			IssuedOn: day(2020, 7, 1), ExpiresOn: day(2040, 7, 1),
			Items: map[string]string{"性别": "女", "民族": "汉", "出生": "1990-07-01"},
		},
		{
			Type: "jzz", Name: "居住证", HolderID: LiNaID, HolderName: "李娜",
			IssuerCode: PublicSecurityID, Issuer: "杭州市公安局西湖分局",
			IssuedOn: day(2019, 3, 1), ExpiresOn: day(2022, 2, 28),
			Items: map[string]string{"居住地址": "浙江省杭州市西湖区天目山路2号"},
		},
		{
			Type: "yyzz", Name: "营业执照", HolderID: RestaurantID, HolderName: "杭州西湖示例餐饮有限公司",
			IssuerCode: MarketRegulatorID, Issuer: "杭州市西湖区市场监督管理局",
			IssuedOn: day(2021, 5, 20),
			Items: map[string]string{
				"类型": "有限责任公司（自然人投资或控股）", "法定代表人": "张三",
				"经营范围": "餐饮服务；食品销售", "注册资本": "100万元", "住所": "浙江省杭州市西湖区文三路1号",
			},
		},
		{
			Type: "spjyxkz", Name: "食品经营许可证", HolderID: RestaurantID, HolderName: "杭州西湖示例餐饮有限公司",
			IssuerCode: MarketRegulatorID, Issuer: "杭州市西湖区市场监督管理局",
			IssuedOn: day(2021, 6, 15), ExpiresOn: day(2031, 6, 14),
			Items: map[string]string{"主体业态": "餐饮服务经营者（中型餐馆）", "经营项目": "热食类食品制售", "经营场所": "浙江省杭州市西湖区文三路1号"},
		},
		{
			Type: "yyzz", Name: "营业执照", HolderID: RevokedCoID, HolderName: "示例贸易有限公司",
			IssuerCode: MarketRegulatorID, Issuer: "杭州市上城区市场监督管理局",
			IssuedOn: day(2015, 1, 8),
			Items:    map[string]string{"类型": "有限责任公司", "经营范围": "日用品批发"},
		},
	}
}

// Seed stores licences directly, as if issued earlier, registering their
// issuers (with a generated key) as needed. Requests with a case number are
// deduplicated as through the API.
func (s *Sandbox) Seed(reqs ...elicense.IssueRequest) ([]elicense.Licence, error) {
	out := make([]elicense.Licence, 0, len(reqs))
	for i, req := range reqs {
		caseNumber := req.CaseNumber
		if caseNumber == "" { // seeded licences may predate the product: no case
			req.CaseNumber = "seed"
		}
		req, err := req.Validate(s.now())
		req.CaseNumber = strings.TrimSpace(caseNumber)
		if err != nil {
			return nil, fmt.Errorf("elicense sandbox: seed %d: %w", i, err)
		}
		if err := s.ensureIssuer(elicense.Issuer{Code: req.IssuerCode, Name: req.Issuer}); err != nil {
			return nil, fmt.Errorf("elicense sandbox: seed %d: %w", i, err)
		}
		l, _, err := s.issue(req)
		if err != nil {
			return nil, fmt.Errorf("elicense sandbox: seed %d: %w", i, err)
		}
		out = append(out, l)
	}
	return out, nil
}

// SeedDefaults registers DefaultIssuers, seeds DefaultSeed and revokes the
// licence of RevokedCoID (吊销).
func (s *Sandbox) SeedDefaults() error {
	for _, is := range DefaultIssuers() {
		if err := s.RegisterIssuer(is); err != nil {
			return err
		}
	}
	ls, err := s.Seed(DefaultSeed()...)
	if err != nil {
		return err
	}
	for _, l := range ls {
		if l.HolderID == RevokedCoID {
			if _, err := s.revoke(elicense.RevokeRequest{LicenceID: l.ID, Reason: "营业执照被吊销"}); err != nil {
				return fmt.Errorf("elicense sandbox: seed: %w", err)
			}
		}
	}
	return nil
}

// ensureIssuer registers is unless its code is registered already.
func (s *Sandbox) ensureIssuer(is elicense.Issuer) error {
	s.mu.Lock()
	_, ok := s.issuers[is.Code]
	s.mu.Unlock()
	if ok {
		return nil
	}
	return s.RegisterIssuer(is)
}
