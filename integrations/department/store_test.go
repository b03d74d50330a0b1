package department_test

import (
	"context"
	"testing"

	"zerovisit/models"
	"zerovisit/models/dbtest"
)

// caseStore is the real store on a fresh SQLite database, so that Handle is
// tested against the real Service, engine and persistence.
type caseStore struct{ *models.Repo }

func newCaseStore(t *testing.T) caseStore { return caseStore{models.NewRepo(dbtest.SQLite(t))} }

// byNumber finds a case id by number, as the callback route does.
func (s caseStore) byNumber(ctx context.Context, number string) (string, error) {
	c, err := s.GetCaseByNumber(ctx, number)
	return c.ID, err
}
