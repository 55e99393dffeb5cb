package synth

import (
	"math"
	"strconv"

	"github.com/beamline/beamline/transforms/money"
)

// product is one catalogue entry: a unique name per id and a fixed price.
type product struct {
	id       string // P1001...
	name     string
	category string
	price    money.Cents
	weight   uint32 // popularity
	// multiline is the name dirty files use instead: it holds a newline, a
	// valid quoted field the reader must accept.
	multiline string
}

// base is a product line; each variant of it becomes a product.
type base struct {
	name    string
	dollars int64
	// secondLine makes the name of the base's first variant two lines
	// long in dirty files, if not empty.
	secondLine string
}

type variant struct {
	suffix string
	pct    int64 // price relative to the base
}

// family is one category's products: every base in every variant, plus
// extras sold as they are (their names hold a comma).
type family struct {
	category   string
	popularity uint32 // relative demand for the category
	variants   []variant
	bases      []base
	extras     []base
}

var families = []family{
	{"Electronics", 140, []variant{{"", 100}, {" Pro", 145}, {" Mini", 65}}, []base{
		{"Laptop 15", 1199, ""}, {"Smartphone X", 799, ""}, {"Tablet 11", 449, ""}, {"Smartwatch", 249, ""},
		{"Wireless Earbuds", 129, ""}, {"Bluetooth Speaker", 79, ""}, {"4K Monitor 27", 399, ""}, {"OLED TV 65", 1899, ""},
		{"Mirrorless Camera", 1299, ""}, {"Drone", 699, ""}, {"Gaming Console", 499, ""}, {"E-Reader", 139, ""},
	}, []base{{"USB-C Cable, 2 m", 19, ""}}},
	{"Furniture", 80, []variant{{"", 100}, {" Deluxe", 150}, {" Compact", 75}}, []base{
		{"Office Chair", 249, ""}, {"Standing Desk", 549, ""}, {"Bookshelf", 129, ""}, {"Sofa", 899, ""},
		{"Sectional Sofa", 1399, ""}, {"Dining Table", 699, ""}, {"Bed Frame", 499, ""}, {"Wardrobe", 599, ""},
		{"Coffee Table", 179, ""}, {"Desk Lamp", 39, ""}, {"TV Stand", 229, ""}, {"Nightstand", 119, ""},
	}, []base{{"Bar Stools, Set of 2", 149, ""}}},
	{"Appliances", 90, []variant{{"", 100}, {" Pro", 140}, {" Compact", 70}}, []base{
		{"Coffee Maker", 129, ""}, {"Blender", 89, ""}, {"Microwave Oven", 179, ""}, {"Air Fryer", 119, ""},
		{"Stand Mixer", 349, ""}, {"Robot Vacuum", 399, ""}, {"Dishwasher", 749, ""}, {"Washing Machine", 899, ""},
		{"French Door Refrigerator", 1799, ""}, {"Espresso Machine", 549, ""}, {"Electric Kettle", 49, ""}, {"Toaster", 39, ""},
	}, []base{{"Water Filter Cartridges, 3-Pack", 34, ""}}},
	{"Sports", 90, []variant{{"", 100}, {" Pro", 150}, {" Junior", 60}}, []base{
		{"Running Shoes", 119, ""}, {"Yoga Mat", 39, ""}, {"Dumbbell Set", 149, ""}, {"Treadmill", 1199, ""},
		{"Road Bike", 999, ""}, {"Tennis Racket", 129, ""}, {"Football", 29, ""}, {"Basketball", 34, ""},
		{"Camping Tent", 249, ""}, {"Hiking Backpack", 119, ""}, {"Swim Goggles", 24, ""}, {"Fitness Tracker", 99, ""},
	}, []base{{"Tennis Balls, 4-Pack", 9, ""}}},
	{"Clothing", 130, []variant{{" (Men's)", 100}, {" (Women's)", 105}, {" (Kids')", 60}}, []base{
		{"Winter Jacket", 199, ""}, {"Jeans Classic", 79, ""}, {"T-Shirt Basic", 19, ""}, {"Hoodie", 59, ""},
		{"Rain Coat", 129, ""}, {"Wool Sweater", 89, ""}, {"Chinos", 69, ""}, {"Sneakers", 99, ""},
		{"Leather Boots", 179, ""}, {"Polo Shirt", 39, ""}, {"Swim Shorts", 29, ""}, {"Pajama Set", 49, ""},
	}, []base{{"Socks, 6-Pack", 14, ""}}},
	{"Books", 110, []variant{{" (Hardcover)", 100}, {" (Paperback)", 55}, {" (Audiobook)", 75}}, []base{
		{"The Silent Orchard", 28, ""}, {"Data at Scale", 54, ""}, {"Cooking with Fire", 35, ""}, {"A Short History of Maps", 32, ""},
		{"The Last Lighthouse", 26, ""}, {"Learning Go", 49, ""}, {"Mountains of Memory", 29, ""}, {"The Quiet Economist", 38, ""},
		{"Stars Over Lisbon", 27, ""}, {"Gardening for Everyone", 31, ""}, {"The Art of Negotiation", 33, ""}, {"Midnight in Kraków", 25, ""},
	}, []base{{"Letters, Volume I", 22, ""}}},
	{"Toys", 80, []variant{{"", 100}, {" Deluxe Set", 160}, {" Travel Edition", 60}}, []base{
		{"Building Blocks", 49, ""}, {"Puzzle 1000 Pieces", 24, "(Alpine Lake)"}, {"Remote Control Car", 69, ""}, {"Plush Bear", 19, ""},
		{"Board Game Classic", 34, ""}, {"Dollhouse", 129, ""}, {"Train Set", 89, ""}, {"Science Kit", 44, ""},
		{"Drawing Tablet", 29, ""}, {"Wooden Blocks", 27, ""}, {"Kite", 17, ""}, {"Card Game", 12, ""},
	}, []base{{"Crayons, Box of 64", 7, ""}}},
	{"Beauty", 90, []variant{{"", 100}, {" Travel Size", 45}, {" Gift Set", 180}}, []base{
		{"Face Cream", 39, "Night Formula"}, {"Shampoo", 14, ""}, {"Conditioner", 14, ""}, {"Perfume", 89, ""},
		{"Lipstick", 24, ""}, {"Hair Dryer", 79, ""}, {"Electric Toothbrush", 69, ""}, {"Sunscreen SPF 50", 19, ""},
		{"Body Lotion", 16, ""}, {"Eye Serum", 49, ""}, {"Beard Trimmer", 59, ""}, {"Nail Polish", 11, ""},
	}, []base{{"Makeup Brushes, Set of 12", 29, ""}}},
	{"Garden", 60, []variant{{"", 100}, {" Pro", 150}, {" Compact", 70}}, []base{
		{"Lawn Mower", 349, ""}, {"Garden Hose", 39, ""}, {"Pruning Shears", 29, ""}, {"Leaf Blower", 149, ""},
		{"Planter Box", 59, ""}, {"Patio Set", 799, ""}, {"Grill", 449, ""}, {"Hedge Trimmer", 119, ""},
		{"Wheelbarrow", 89, ""}, {"Garden Lights", 49, ""}, {"Watering Can", 19, ""}, {"Compost Bin", 79, ""},
	}, []base{{"Seeds, Assorted 20-Pack", 12, ""}}},
	{"Office Supplies", 70, []variant{{"", 100}, {" Premium", 160}, {" Value Pack", 80}}, []base{
		{"Notebook A5", 9, ""}, {"Gel Pens", 12, ""}, {"Desk Organizer", 29, ""}, {"Paper Shredder", 119, ""},
		{"Label Maker", 49, ""}, {"Printer Paper", 24, ""}, {"Stapler", 15, ""}, {"Whiteboard", 79, ""},
		{"Laminator", 59, ""}, {"Calculator", 19, ""}, {"File Cabinet", 189, ""}, {"Ergonomic Footrest", 45, ""},
	}, []base{{"Sticky Notes, 12 Pads", 8, ""}}},
}

// catalogue is every product, P1001 first; it does not depend on the seed.
var catalogue = buildCatalogue()

func buildCatalogue() []product {
	var out []product
	add := func(f *family, name, multiline string, cents int64) {
		n := len(out)
		p := product{
			id:       "P" + strconv.Itoa(1001+n),
			name:     name,
			category: f.category,
			price:    money.Cents(priceEnding(cents, n)),
		}
		p.multiline = multiline
		// Cheaper products sell more; a fixed scramble of the id varies
		// demand within a category.
		dollars := max(1, int64(p.price)/100)
		scramble := 50 + uint32(splitmix64(uint64(n))%100)
		p.weight = uint32(1_000_000/math.Sqrt(float64(dollars))) * f.popularity / 100 * scramble / 100
		out = append(out, p)
	}
	for i := range families {
		f := &families[i]
		for _, b := range f.bases {
			for vi, v := range f.variants {
				ml := ""
				if vi == 0 && b.secondLine != "" {
					ml = b.name + v.suffix + "\n" + b.secondLine
				}
				add(f, b.name+v.suffix, ml, b.dollars*v.pct)
			}
		}
		for _, b := range f.extras {
			add(f, b.name, "", b.dollars*100)
		}
	}
	return out
}

// priceEnding turns a price in cents into a shop price: mostly .99, some
// .49, .95 or whole dollars, chosen by the product's position.
func priceEnding(cents int64, n int) int64 {
	dollars := max(1, (cents+50)/100)
	switch (n * 7) % 10 {
	case 6, 7:
		return dollars*100 - 51
	case 8:
		return dollars*100 - 5
	case 9:
		return dollars * 100
	}
	return dollars*100 - 1
}

var productPick = newWeighted(catalogue, func(p product) uint32 { return p.weight })
