package normdoc

import (
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/search"
)

// The register feeds the real full-text index in the same transaction as publication and status changes.
func TestSearchIndexFollowsTheRegister(t *testing.T) {
	f := newFixture(t)
	ix := search.NewIndex(f.db)
	f.svc.SetIndexer(SearchIndex(ix))
	staff := f.login("qs_sc")
	d := f.legacy("990121-GOV", "青政规〔2022〕5号", "青山县城区停车管理办法", "2022-03-01", "2022-03-01", "", textV1)
	hits, total, err := ix.Search(f.ctx, "停放机动车", search.Options{Kind: search.KindNormdoc})
	if err != nil || total != 1 || hits[0].RefID != d.ID || hits[0].Status != "有效" || !hits[0].InForce {
		t.Fatalf("hits %+v total %d err %v", hits, total, err)
	}
	if !strings.HasPrefix(hits[0].URL, "/public/normdocs/"+d.ID+"#a") || hits[0].Label != "第三条" {
		t.Errorf("the hit links to the article: %s %q", hits[0].URL, hits[0].Label)
	}
	must(t)(f.svc.End(f.ctx, staff, d.ID, EndInput{Step: casework.Step{On: date("2025-06-01")}, State: StateRepealed, Basis: "青政发〔2025〕1号"}))
	hits, _, err = ix.Search(f.ctx, "停放机动车", search.Options{Kind: search.KindNormdoc, Status: "废止"})
	if err != nil || len(hits) != 1 || hits[0].InForce {
		t.Errorf("after repeal %+v %v", hits, err)
	}
	// The public page carries the anchor the hit links to.
	app, _ := f.app()
	w := f.client(app, "").Get("/public/normdocs/" + d.ID)
	anchor := hits[0].URL[strings.Index(hits[0].URL, "#")+1:]
	if w.Code != 200 || !strings.Contains(w.Body, `id="`+anchor+`"`) {
		t.Errorf("anchor %s missing on the public page (%d)", anchor, w.Code)
	}
}
