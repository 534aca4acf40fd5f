package normdoc

import (
	"context"

	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/search"
)

// SearchIndex adapts the full-text index of internal/search to the register's Indexer (with its bulk
// mode): cli wires normdoc.New(…, normdoc.SearchIndex(ix)).
func SearchIndex(ix *search.Index) BulkIndexer { return searchIndex{ix} }

type searchIndex struct{ ix *search.Index }

func toSearch(d IndexDoc) search.Doc {
	out := search.Doc{Kind: search.KindNormdoc, RefID: d.RefID, Title: d.Title, Body: d.Body, OrganID: d.OrganID, Organ: d.Organ, Number: d.Number,
		Date: d.Date.String(), Effective: d.Effective.String(), Status: d.State, InForce: d.InForce, URL: d.URL}
	for _, p := range d.Parts {
		out.Parts = append(out.Parts, search.Part{Anchor: p.Anchor, Label: p.Label, Text: p.Text})
	}
	return out
}

func (s searchIndex) Upsert(ctx context.Context, tx *db.Tx, d IndexDoc) error {
	return s.ix.Upsert(ctx, tx, toSearch(d))
}

func (s searchIndex) UpsertMany(ctx context.Context, tx *db.Tx, ds []IndexDoc) error {
	docs := make([]search.Doc, len(ds))
	for i, d := range ds {
		docs[i] = toSearch(d)
	}
	return s.ix.UpsertMany(ctx, tx, docs)
}

func (s searchIndex) Delete(ctx context.Context, tx *db.Tx, kind, refID string) error {
	return s.ix.Delete(ctx, tx, kind, refID)
}

func (s searchIndex) BeginBulk(ctx context.Context) (BulkLoad, error) { return s.ix.BeginBulk(ctx) }
