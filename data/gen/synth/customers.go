package synth

import (
	"math"
	"math/rand/v2"
)

// customers models who buys: customer c (0-based, id C0000001 for c = 0)
// makes its first purchase at row ceil(rows·c²/count²) — acquisition is
// fastest early on and goes on all period — and every later row picks among
// the customers acquired so far, favouring the active ones, so that
// customers buy again over the months after their first purchase.
type customers struct {
	rows  int64
	count int64
	key   uint64
}

// customerCount is the number of customers for a sales file of rows rows:
// about one per 50 rows, at least 10.
func customerCount(rows int64) int64 { return max(10, rows/50) }

func newCustomers(rows int64, seed uint64) customers {
	return customers{rows: rows, count: customerCount(rows), key: streamKey(seed, streamCustomers)}
}

// customer is what a customer's id determines.
type customer struct {
	name   personName
	region int
	// accept is the per-mille chance that a draw of this customer stands:
	// heavy buyers keep every draw, light ones few.
	accept int
	// life is how many rows after its first purchase the customer keeps
	// buying; 0 for customers who never churn.
	life int64
}

// attrs derives customer c's attributes from a hash of its id.
func (m *customers) attrs(c int64) customer {
	h := splitmix64(m.key ^ uint64(c))
	h2 := splitmix64(h)
	cu := customer{name: nameFromHash(h2), region: regionPick.at(uint32((h2 >> 48) % uint64(regionPick.total())))}
	cu.accept, cu.life = m.activity(h)
	return cu
}

// activity derives how much a customer buys from the first hash of its id:
// 15% heavy buyers, 50% regular, 35% light; 35% churn after 2-12 months.
func (m *customers) activity(h uint64) (accept int, life int64) {
	switch tier := h % 100; {
	case tier < 15:
		accept = 1000
	case tier < 65:
		accept = 450
	default:
		accept = 150
	}
	if (h>>8)%100 < 35 {
		permille := 90 + (h>>16)%410 // a share of the two-year period
		q, _ := mulDiv(uint64(m.rows), permille, 1000)
		life = max(1, int64(q))
	}
	return accept, life
}

// firstRow is the row of customer c's first purchase: ceil(rows·c²/count²).
func (m *customers) firstRow(c int64) int64 {
	q, r := mulDiv(uint64(m.rows), uint64(c)*uint64(c), uint64(m.count)*uint64(m.count))
	if r != 0 {
		q++
	}
	return int64(q)
}

// acquired is how many customers have made their first purchase at or
// before row i: the largest c with rows·c² <= i·count², plus one.
func (m *customers) acquired(i int64) int64 {
	q, _ := mulDiv(uint64(i), uint64(m.count)*uint64(m.count), uint64(m.rows))
	c := uint64(math.Sqrt(float64(q)))
	for c > 0 && c*c > q {
		c--
	}
	for (c+1)*(c+1) <= q {
		c++
	}
	return min(int64(c)+1, m.count)
}

// buyer picks the customer of row i: a new customer on its first-purchase
// row, otherwise an acquired one, drawn again while the draw is rejected by
// the customer's activity or churn (a few times at most). One random number
// gives both the candidate (high bits) and the acceptance (low bits).
func (m *customers) buyer(r *rand.Rand, i int64) (int64, customer) {
	a := m.acquired(i)
	if c := a - 1; m.firstRow(c) == i {
		return c, m.attrs(c)
	}
	var c int64
	for range 8 {
		x := r.Uint64()
		c = int64((x >> 32) * uint64(a) >> 32)
		accept, life := m.activity(splitmix64(m.key ^ uint64(c)))
		if int(x&0xffff)%1000 >= accept {
			continue
		}
		if life > 0 && i > m.firstRow(c)+life {
			continue
		}
		break
	}
	return c, m.attrs(c)
}
