package synth

// region is a sales region, with its share of customers and its sales team.
type region struct {
	name        string
	weight      uint32 // per mille of customers living there
	salespeople [5]string
}

// regions: uneven shares; the salespeople's names are unique across regions.
var regions = []region{
	{"North America", 340, [5]string{"John Doe", "Jane Smith", "Mike Johnson", "Lisa Brown", "Tom Wilson"}},
	{"Europe", 280, [5]string{"Sophie Müller", "Luca Rossi", "Émilie Dubois", "Jan Kowalski", "Oliver Bennett"}},
	{"Asia", 220, [5]string{"Sarah Lee", "Kenji Watanabe", "Priya Sharma", "Wei Zhang", "Min-jun Park"}},
	{"South America", 70, [5]string{"Carlos Mendoza", "Ana Souza", "Diego Fernández", "Valentina Rojas", "João Pereira"}},
	{"Oceania", 50, [5]string{"Jack Thompson", "Chloe Nguyen", "Liam O'Brien", "Aroha Ngata", "Mia Campbell"}},
	{"Africa", 40, [5]string{"Kwame Mensah", "Amara Okafor", "Thabo Nkosi", "Fatima Haddad", "Samuel Otieno"}},
}

var regionPick = newWeighted(regions, func(r region) uint32 { return r.weight })

// sellerPick skews each region's sales towards its top performers.
var sellerPick = newWeighted([]uint32{30, 25, 20, 15, 10}, func(w uint32) uint32 { return w })

// city is where an employee works, weighted by office size.
type city struct {
	name   string
	weight uint32
}

// cities: about 70 offices worldwide, several with non-ASCII names. None
// holds a comma.
var cities = newWeighted([]city{
	{"New York", 6}, {"Los Angeles", 3}, {"Chicago", 3}, {"San Francisco", 3}, {"Seattle", 2},
	{"Austin", 2}, {"Boston", 2}, {"Toronto", 3}, {"Vancouver", 2}, {"Montréal", 2},
	{"Mexico City", 2}, {"London", 6}, {"Dublin", 2}, {"Paris", 3}, {"Berlin", 3},
	{"München", 2}, {"Hamburg", 1}, {"Zürich", 2}, {"Genève", 1}, {"Amsterdam", 2},
	{"Brussels", 1}, {"Madrid", 2}, {"Barcelona", 2}, {"Lisbon", 1}, {"Milan", 1},
	{"Rome", 1}, {"Vienna", 1}, {"Prague", 1}, {"Kraków", 1}, {"Warsaw", 1},
	{"Stockholm", 1}, {"Copenhagen", 1}, {"Oslo", 1}, {"Helsinki", 1}, {"Malmö", 1},
	{"Düsseldorf", 1}, {"Reykjavík", 1}, {"Istanbul", 1}, {"Tel Aviv", 1}, {"Dubai", 2},
	{"Mumbai", 3}, {"Bengaluru", 3}, {"Delhi", 2}, {"Singapore", 3}, {"Tokyo", 4},
	{"Osaka", 1}, {"Seoul", 3}, {"Shanghai", 2}, {"Beijing", 1}, {"Shenzhen", 1},
	{"Hong Kong", 2}, {"Taipei", 1}, {"Ho Chi Minh", 1}, {"Bangkok", 1}, {"Jakarta", 1},
	{"Manila", 1}, {"Sydney", 3}, {"Melbourne", 2}, {"Auckland", 1}, {"São Paulo", 3},
	{"Rio de Janeiro", 1}, {"Buenos Aires", 2}, {"Bogotá", 1}, {"Santiago", 1}, {"Lima", 1},
	{"Cape Town", 1}, {"Johannesburg", 1}, {"Lagos", 1}, {"Nairobi", 1}, {"Cairo", 1},
}, func(c city) uint32 { return c.weight })
