package enforce

import (
	"testing"

	"github.com/fazhi/fazhi/internal/casework"
)

// A record names a certificate not yet entered: it warns of an invalid certificate until the
// certificate is entered with a validity covering the record's day, and warns again once the
// certificate is ended from a day before it — without waiting for any deadline of the scan.
func TestCertificateChangesRecheckTheRecordsNamingIt(t *testing.T) {
	f := newFixture(t)
	p := f.login("qs_sc")
	gaj := f.body(p, "990121-GAJ", "青山县公安局", "")
	f.certified(p, gaj, "张伟", "G1", "2024-01-01", "2027-12-31")
	f.m.SetToday(d("2025-12-31"))
	if _, err := f.m.SaveRecords(f.ctx, []*Record{{OrganID: gaj.OrganID, BodyID: gaj.ID, Category: CatPenalty, CaseNo: "青公罚〔2025〕9号",
		Officers: []string{"G1", "G22"}, FullRecord: true, FiledOn: d("2025-06-02"), DecidedOn: d("2025-06-10"), PublishedOn: d("2025-06-11")}}, "test"); err != nil {
		t.Fatal(err)
	}
	invalid := func() int {
		var n int
		if err := f.m.d.DB.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM enforce_warnings WHERE kind = ?`, WarnCertInvalid).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := invalid(); n != 1 {
		t.Fatalf("G22 not on file: %d invalid-certificate warnings, want 1", n)
	}
	_, c := f.certified(p, gaj, "刘洋", "G22", "2025-01-01", "2028-12-31")
	if n := invalid(); n != 0 {
		t.Fatalf("G22 entered, valid on the record's day: %d warnings, want 0", n)
	}
	if _, err := f.m.End(f.ctx, p, c.ID, "revoke", casework.Step{OnText: "2025-05-01", Note: "违法执法被吊销"}); err != nil {
		t.Fatal(err)
	}
	if n := invalid(); n != 1 {
		t.Fatalf("G22 revoked from before the record's day: %d warnings, want 1", n)
	}
}
