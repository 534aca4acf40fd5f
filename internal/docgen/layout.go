package docgen

import "math"

// Page geometry of GB/T 9704-2012 §5, in twips (1/20 pt). Every number is
// derived here so that the tests can check the derivation, not a copy of it.

const twipsPerMM = 1440 / 25.4 // 56.6929…

func mmTwips(v float64) int { return int(math.Round(v * twipsPerMM)) }

var (
	pageW = 11906 // A4 210 mm
	pageH = 16838 // A4 297 mm

	marginTop    = mmTwips(37) // 天头
	marginBottom = mmTwips(35)
	marginLeft   = mmTwips(28) // 订口; mirrored on even pages
	marginRight  = mmTwips(26)

	textW = pageW - marginLeft - marginRight // 版心宽 156 mm
	textH = pageH - marginTop - marginBottom // 版心高 225 mm
)

const (
	linesPerPage = 22
	charsPerLine = 28
	bodyHalfPt   = 32 // 3号 = 16 pt
	titleHalfPt  = 44 // 2号 = 22 pt
	noteHalfPt   = 28 // 4号 = 14 pt: 页码、版记
	bannerMaxPt  = 42 // 初号: the usual size of 发文机关标志 (the standard leaves it open)
)

// linePitch is the grid line in twips, rounded down so that 22 lines fit.
var linePitch = textH / linesPerPage

// charSpace is w:docGrid/@w:charSpace: how much (in 1/4096 pt) each character
// of the default 16 pt font is narrowed so that 28 fit the text width; rounded
// down for the same reason.
var charSpace = int(math.Floor((float64(textW)/charsPerLine/20 - bodyHalfPt/2) * 4096))

// charCondense (twips, negative) narrows every character so that 28 of 3号
// fit 156 mm without relying on the grid: LibreOffice (7.4 at least) widens
// text grotesquely when charSpace is negative, so paragraphs do not snap to
// the character grid and carry this condense instead; Word and WPS then lay
// out the same 28 characters. 16 pt × 28 = 448 pt > 442.25 pt, so −0.21 pt is
// needed, rounded away from zero to −0.25 pt.
var charCondense = -int(math.Ceil(bodyHalfPt*10 - float64(textW)/charsPerLine))

// charTwips is the width of n condensed 3号 characters.
func charTwips(n float64) int { return int(math.Floor(n * float64(bodyHalfPt*10+charCondense))) }

// noteCharTwips is one 4号 character (页码、版记 are laid without the grid).
const noteCharTwips = noteHalfPt * 10

// footerDistance puts the page number's 一字线 7 mm below the text area (§7.5):
// 35−7 = 28 mm above the page edge, less half a 4号 line (the dash sits mid-line).
var footerDistance = mmTwips(35-7) - noteHalfPt*10*13/20

var headerDistance = mmTwips(15)
