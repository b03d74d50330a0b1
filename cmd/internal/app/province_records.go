package app

import (
	"context"
	"fmt"
	"time"

	"zerovisit/integrations/elicense"
	"zerovisit/integrations/province"
	"zerovisit/models"
	"zerovisit/workflow"
)

// provinceDataSource is this system's data-source code at the provincial
// platform (数据来源, up to three characters).
const provinceDataSource = "ZV1"

// provinceFacts gathers what the 办件 data rows of a case are built from:
// the case and its history, the item's national codes (as the case was
// opened under, else the catalogue's), the accepting department's credit
// code and name, and the applicant's name and ID number from the
// directory of holders. A case never submitted has none (ok false).
func (a *App) provinceFacts(ctx context.Context, c workflow.Case) (province.Facts, bool, error) {
	if !province.Reportable(c) {
		return province.Facts{}, false, nil
	}
	hist, err := a.svc.History(ctx, c.ID)
	if err != nil {
		return province.Facts{}, false, err
	}
	f := province.Facts{
		Case: c, History: hist, ItemName: c.Terms.ItemName,
		ImplCode: c.Terms.ImplCode, BasicCode: c.Terms.BasicCode, ItemVersion: c.Terms.ItemVersion,
		DataSource: provinceDataSource, Now: time.Now(), Materials: map[string]string{},
	}
	if it, err := a.svc.Engine().Catalogue().Lookup(c.ItemCode); err == nil {
		if f.ImplCode == "" {
			f.ImplCode, f.BasicCode, f.ItemVersion = it.ImplCode, it.BasicCode, it.Version
		}
		if f.ItemName == "" {
			f.ItemName = it.Name
		}
		for _, m := range it.Materials {
			f.Materials[m.Code] = m.Name
		}
	}
	for _, d := range a.departments {
		if d.Code == c.Department {
			f.DepartmentCode, f.DepartmentName = d.USCC, d.Name
		}
	}
	if lt := c.Terms.ResultLicence; lt != "" {
		f.LicenceName = elicense.TypeName(lt)
	}
	h, err := a.holders.Holder(ctx, c.ApplicantID)
	if err != nil {
		return province.Facts{}, false, fmt.Errorf("province records of case %s: applicant: %w", c.Number, err)
	}
	f.ApplicantName, f.ApplicantID = h.Name, h.ID
	names, err := a.staffNames(ctx, hist)
	if err != nil {
		return province.Facts{}, false, err
	}
	f.HandlerName = func(act workflow.Actor) string { return handlerName(act, names, h.Name) }
	return f, true, nil
}

// staffNames are the names of the clerks in a history.
func (a *App) staffNames(ctx context.Context, hist []workflow.EventRecord) (map[string]string, error) {
	var ids []string
	for _, e := range hist {
		if e.Actor.Kind == workflow.ActorClerk {
			ids = append(ids, e.Actor.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return models.NewStaffStore(a.db).StaffNames(ctx, ids)
}

// handlerName is who handled a step, as the platform's handler field
// reads: a clerk's name, the applicant's, or the system that acted.
func handlerName(act workflow.Actor, staff map[string]string, applicant string) string {
	switch act.Kind {
	case workflow.ActorClerk:
		if n := staff[act.ID]; n != "" {
			return n
		}
		return act.ID
	case workflow.ActorCitizen:
		return applicant
	case workflow.ActorCourier:
		return "快递员 " + act.ID
	case workflow.ActorDepartment:
		return "部门系统"
	}
	return "系统"
}

// reportProvince carries out a report_province effect: the case's status
// report and the rows of the 办件 data standards, built from the case as
// it stands, in one request, so a retry repeats one idempotent call. An
// effect older than the case's last report sends its status alone: the
// later effect carries the rows. When the rows cannot be built (the
// applicant is not in the directory yet) the status still goes, and the
// effect fails so that the rows follow on a retry; a retry sends the
// status again only if the platform does not hold it.
func (a *App) reportProvince(ctx context.Context, e workflow.OutboxEntry, eff workflow.ReportProvince) error {
	prov := a.parties.province
	c, err := a.svc.Get(ctx, eff.CaseID)
	if err != nil {
		return err
	}
	if c.Reported == nil || eff.DataVersion < c.Reported.Version {
		return prov.Report(ctx, eff)
	}
	b, err := a.provinceBatch(ctx, c)
	if err == nil {
		if b, err = prov.WithStatus(b, eff); err == nil {
			return prov.SendRecords(ctx, b)
		}
	}
	if e.Attempts == 0 || !a.provinceHolds(ctx, eff) {
		if rerr := prov.Report(ctx, eff); rerr != nil {
			return rerr
		}
	}
	return err
}

// provinceBatch builds the rows of a reportable case.
func (a *App) provinceBatch(ctx context.Context, c workflow.Case) (province.Batch, error) {
	f, ok, err := a.provinceFacts(ctx, c)
	if err != nil {
		return province.Batch{}, err
	}
	if !ok {
		return province.Batch{}, fmt.Errorf("%w: case %s was never submitted", workflow.ErrPermanent, c.Number)
	}
	return province.Build(f)
}

// provinceHolds reports whether the platform already holds the status
// report of eff (or a later one); any doubt answers false.
func (a *App) provinceHolds(ctx context.Context, eff workflow.ReportProvince) bool {
	h, err := a.parties.province.Get(ctx, eff.Number)
	return err == nil && h.Version >= eff.DataVersion
}
