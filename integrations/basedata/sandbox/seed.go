package sandbox

import (
	"time"

	"zerovisit/integrations/basedata"
	"zerovisit/workflow"
)

// Fixture residents and companies of SeedDefaults: the same as in the
// e-license and credit sandboxes.
const (
	ZhangSanID   = "330106198503121231" // 张三
	LiNaID       = "330106199007014562" // 李娜
	WangWuID     = "330105197809207897" // 王五
	OuyangID     = "330108199501150247" // 欧阳娜娜
	UnknownID    = "330106198808088882" // a valid number nobody holds
	RestaurantID = "91330106MA2H3K4L5N" // 杭州西湖示例餐饮有限公司, 存续
	ShopID       = "92330106MA2J6N7P8G" // 西湖区李娜便利店 (个体工商户), 存续
	RevokedCoID  = "91330102MA27Q8R9T3" // 示例贸易有限公司, 吊销
	ClosedCoID   = "91330105MA2KXY123C" // 示例科技有限公司, 注销
)

// DefaultPeople are the fixture residents.
func DefaultPeople() []Person {
	return []Person{
		{IDNumber: ZhangSanID, Name: "张三", Address: "浙江省杭州市西湖区文三路1号1幢101室",
			Household: basedata.Household{Address: "浙江省杭州市西湖区北山街道", Kind: "家庭户", Authority: "杭州市公安局西湖分局北山派出所"}},
		{IDNumber: LiNaID, Name: "李娜", Address: "浙江省杭州市西湖区天目山路2号",
			Household: basedata.Household{Address: "浙江省衢州市柯城区府山街道", Kind: "家庭户", Authority: "衢州市公安局柯城分局府山派出所"}},
		{IDNumber: WangWuID, Name: "王五", Address: "浙江省杭州市上城区解放路3号",
			Household: basedata.Household{Address: "浙江省杭州市上城区湖滨街道", Kind: "集体户", Authority: "杭州市公安局上城分局湖滨派出所"}},
		{IDNumber: OuyangID, Name: "欧阳娜娜", Address: "浙江省杭州市滨江区江南大道4号",
			Household: basedata.Household{Address: "浙江省杭州市滨江区西兴街道", Kind: "家庭户", Authority: "杭州市公安局滨江分局西兴派出所"}},
	}
}

// DefaultEntities are the fixture companies.
func DefaultEntities() []Entity {
	d := func(y, m, dd int) workflow.Date { return workflow.Date{Year: y, Month: time.Month(m), Day: dd} }
	return []Entity{
		{USCC: RestaurantID, Name: "杭州西湖示例餐饮有限公司", Kind: "有限责任公司（自然人投资或控股）",
			LegalRepName: "张三", LegalRepID: ZhangSanID, Status: basedata.CompanyActive,
			RegisteredAddress: "浙江省杭州市西湖区文三路1号", EstablishedOn: d(2021, 5, 20)},
		{USCC: ShopID, Name: "西湖区李娜便利店", Kind: "个体工商户",
			LegalRepName: "李娜", LegalRepID: LiNaID, Status: basedata.CompanyActive,
			RegisteredAddress: "浙江省杭州市西湖区天目山路2号", EstablishedOn: d(2022, 8, 8)},
		{USCC: RevokedCoID, Name: "示例贸易有限公司", Kind: "有限责任公司",
			LegalRepName: "王五", LegalRepID: WangWuID, Status: basedata.CompanyRevoked,
			RegisteredAddress: "浙江省杭州市上城区解放路3号", EstablishedOn: d(2015, 1, 8)},
		{USCC: ClosedCoID, Name: "示例科技有限公司", Kind: "有限责任公司",
			LegalRepName: "欧阳娜娜", LegalRepID: OuyangID, Status: basedata.CompanyCancelled,
			RegisteredAddress: "浙江省杭州市滨江区江南大道4号", EstablishedOn: d(2018, 10, 1)},
	}
}

// SeedDefaults adds DefaultPeople and DefaultEntities.
func (s *Sandbox) SeedDefaults() {
	s.Seed(DefaultPeople()...)
	s.SeedEntities(DefaultEntities()...)
}
