/** Word lists for plausible Dutch test data. */

export const ADMINISTRATION_NAMES = [
  'Demo Holding B.V.',
  'Demo Retail B.V.',
  'Demo Services B.V.',
  'Demo Logistiek B.V.',
  'Demo Vastgoed B.V.',
  'Demo Productie B.V.',
  'Demo Consultancy B.V.',
  'Demo Zorg B.V.',
] as const;

export const CUSTOMER_TRADES = [
  'Bakkerij',
  'Garage',
  'Installatiebedrijf',
  'Adviesbureau',
  'Drukkerij',
  'Transportbedrijf',
  'Bouwbedrijf',
  'Hoveniersbedrijf',
  'Tandartspraktijk',
  'Architectenbureau',
  'Kapsalon',
  'Restaurant',
  'Fietsenwinkel',
  'Schildersbedrijf',
  'Autobedrijf',
  'Boekhandel',
] as const;

export const SUPPLIER_TRADES = [
  'Kantoorartikelen',
  'Energie',
  'Telecom',
  'Lease',
  'Groothandel',
  'Schoonmaak',
  'Uitzendbureau',
  'Software',
  'Verzekeringen',
  'Accountants',
] as const;

export const FAMILY_NAMES = [
  'De Vries',
  'Jansen',
  'Van den Berg',
  'Bakker',
  'Visser',
  'Smit',
  'Meijer',
  'De Boer',
  'Mulder',
  'De Groot',
  'Bos',
  'Vos',
  'Peters',
  'Hendriks',
  'Van Leeuwen',
  'Dekker',
  'Brouwer',
  'De Wit',
  'Dijkstra',
  'Smits',
] as const;

export const STREETS = [
  'Kerkstraat',
  'Dorpsstraat',
  'Stationsweg',
  'Molenweg',
  'Industrieweg',
  'Nieuwstraat',
  'Schoolstraat',
  'Markt',
  'Havenweg',
  'Julianastraat',
] as const;

export const CITIES = [
  'Amsterdam',
  'Rotterdam',
  'Utrecht',
  'Eindhoven',
  'Groningen',
  'Zwolle',
  'Leeuwarden',
  'Nijmegen',
  'Apeldoorn',
  'Breda',
] as const;

export const BANK_CODES = ['ABNA', 'INGB', 'RABO', 'TRIO', 'SNSB'] as const;

export const MONTH_NAMES = [
  'januari',
  'februari',
  'maart',
  'april',
  'mei',
  'juni',
  'juli',
  'augustus',
  'september',
  'oktober',
  'november',
  'december',
] as const;
