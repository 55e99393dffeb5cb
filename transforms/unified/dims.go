package unified

import (
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"

	"github.com/beamline/beamline/transforms/docs"
	"github.com/beamline/beamline/transforms/fold"
	"github.com/beamline/beamline/transforms/records"
)

func init() {
	fold.Register[Customers, docs.Customer]()
	fold.Register[Products, Product]()
	fold.Register[Departments, records.EmployeeBlock]()
	register.Function4x1(dimensions)
	register.Iter1[Customers]()
	register.Iter1[Products]()
	register.Iter1[Departments]()
}

// Dims are the small dimensions a sale is enriched with, built once and
// read by every worker as a side input.
type Dims struct {
	Customers   Customers
	Products    Products
	Departments Departments
}

// Dimensions builds the side input of Join from the validated customers
// (PCollection<docs.Customer>) and products (PCollection<Product>) and the
// employees (PCollection<records.EmployeeBlock>). Each is folded into a map
// per bundle and merged; the result, PCollection<Dims>, holds exactly one
// element even when a collection is empty.
func Dimensions(s beam.Scope, customers, products, employees beam.PCollection) beam.PCollection {
	s = s.Scope("unified.Dimensions")
	cs := fold.Over[Customers, docs.Customer](s.Scope("Customers"), Customers{}, customers)
	ps := fold.Over[Products, Product](s.Scope("Products"), Products{}, products)
	ds := fold.Over[Departments, records.EmployeeBlock](s.Scope("Departments"), Departments{}, employees)
	return beam.ParDo(s, dimensions, beam.Impulse(s),
		beam.SideInput{Input: cs}, beam.SideInput{Input: ps}, beam.SideInput{Input: ds})
}

// dimensions gathers the folded maps; a fold over an empty collection has
// no element, which leaves that map empty.
func dimensions(_ []byte, cs func(*Customers) bool, ps func(*Products) bool, ds func(*Departments) bool) Dims {
	var d Dims
	var c Customers
	for cs(&c) {
		d.Customers.Merge(c)
	}
	var p Products
	for ps(&p) {
		d.Products.Merge(p)
	}
	var e Departments
	for ds(&e) {
		d.Departments.Merge(e)
	}
	return d
}

// Customers is the customers collection by customer_id. Should two
// documents share a customer_id (the original's unique index forbids it),
// the one whose fields are smallest as text, compared in order, is kept:
// the same one whatever order the documents are read in.
type Customers struct {
	ByID map[string]docs.Customer
}

// Add adds one customer.
func (c *Customers) Add(x docs.Customer) {
	if c.ByID == nil {
		c.ByID = map[string]docs.Customer{}
	}
	if old, ok := c.ByID[x.CustomerID]; !ok || customerLess(&x, &old) {
		c.ByID[x.CustomerID] = x
	}
}

// Merge adds another set of customers.
func (c *Customers) Merge(o Customers) {
	for _, x := range o.ByID {
		c.Add(x)
	}
}

func customerLess(a, b *docs.Customer) bool {
	return textLess([]string{a.Name, a.Email, a.LoyaltyTier, a.Country, a.City},
		[]string{b.Name, b.Email, b.LoyaltyTier, b.Country, b.City})
}

// Products is the products collection by (source, product_id). Duplicates
// (the unique index on source and product_id forbids them) keep the
// smallest by name, category and brand.
type Products struct {
	ByKey map[string]Product // source + ":" + product_id, like the documents' _id
}

func productKey(source, id string) string { return source + ":" + id }

// Add adds one product.
func (p *Products) Add(x Product) {
	if p.ByKey == nil {
		p.ByKey = map[string]Product{}
	}
	k := productKey(x.Source, x.ProductID)
	if old, ok := p.ByKey[k]; !ok || textLess([]string{x.Name, x.Category, x.Brand}, []string{old.Name, old.Category, old.Brand}) {
		p.ByKey[k] = x
	}
}

// Merge adds another set of products.
func (p *Products) Merge(o Products) {
	for _, x := range o.ByKey {
		p.Add(x)
	}
}

// Brand returns the brand of a source's product, or "".
func (p *Products) Brand(source, id string) string { return p.ByKey[productKey(source, id)].Brand }

// Departments maps an employee's exact name to the department of the
// employee: for a name several employees share, the one with the lowest
// id.
type Departments struct {
	ByName map[string]Staff
}

// Staff is an employee's id and department.
type Staff struct {
	ID         int64
	Department string
}

// Add adds a block of employees.
func (d *Departments) Add(b records.EmployeeBlock) {
	for i := range b.Rows {
		e := &b.Rows[i]
		d.add(e.Name, Staff{ID: e.ID, Department: e.Department})
	}
}

func (d *Departments) add(name string, s Staff) {
	if d.ByName == nil {
		d.ByName = map[string]Staff{}
	}
	if old, ok := d.ByName[name]; !ok || s.ID < old.ID {
		d.ByName[strings.Clone(name)] = Staff{ID: s.ID, Department: strings.Clone(s.Department)}
	}
}

// Merge adds another set of employees.
func (d *Departments) Merge(o Departments) {
	for name, s := range o.ByName {
		d.add(name, s)
	}
}

// Of returns the department of the employee named name, or "" when no
// employee has that exact name.
func (d *Departments) Of(name string) string { return d.ByName[name].Department }

// textLess compares two lists of the same length as text, element by
// element.
func textLess(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}
