import { ERROR_NUMBERS, ProfitError } from './errors.js';
import type { LocalizedText } from './connectors/types.js';

/** Every Profit error the simulator produces, with its Dutch and English text (reference §5.4). */

function error(
  status: number,
  nl: string,
  en: string,
  errorNumber: number = ERROR_NUMBERS.general,
): ProfitError {
  return new ProfitError(status, { nl, en }, errorNumber);
}

export const profitErrors = {
  unexpected: (): ProfitError =>
    error(
      500,
      'Er is een onverwachte fout opgetreden.',
      'An unexpected error has occurred.',
      ERROR_NUMBERS.unexpected,
    ),

  fieldNotFound: (field: string): ProfitError =>
    error(500, `Connector-veld '${field}' niet gevonden`, `Connector field '${field}' not found`),

  invalidJsonFilter: (): ProfitError => error(500, 'Ongeldig json filter', 'Invalid json filter'),

  getConnectorNotAuthorized: (): ProfitError =>
    error(
      401,
      'GetConnector niet ondersteund voor deze app of de gebruiker is niet geautoriseerd',
      'GetConnector not supported for this app or the user is not authorized',
    ),

  updateConnectorNotAuthorized: (): ProfitError =>
    error(
      401,
      'General message: Deze UpdateConnector wordt niet ondersteund of de gebruiker is niet geautoriseerd.',
      'General message: This UpdateConnector is not supported or the user is not authorized.',
    ),

  connectorBlocked: (): ProfitError =>
    error(500, 'Deze GetConnector (definitie) is geblokkeerd', 'This GetConnector (definition) is blocked'),

  timeoutExceeded: (): ProfitError =>
    error(
      500,
      'De maximale tijdsduur voor het uitvoeren van de opdracht is verstreken.',
      'The maximum duration for performing the assignment has been exceeded.',
    ),

  outOfMemory: (): ProfitError => error(500, 'Out of memory', 'Out of memory'),

  bookingLayoutLocked: (): ProfitError =>
    error(
      500,
      'De boekingslay-out is geblokkeerd door een andere gebruiker. Probeer het later opnieuw.',
      'The booking layout is locked by another user. Please try again later.',
    ),

  mandatoryField: (label: LocalizedText): ProfitError =>
    error(500, `Vul een waarde in bij '${label.nl}'.`, `Enter a value for '${label.en}'.`),

  valueDoesNotExist: (label: LocalizedText): ProfitError =>
    error(
      500,
      `De ingevulde waarde bij '${label.nl}' bestaat niet.`,
      `The entered value for '${label.en}' does not exist.`,
      ERROR_NUMBERS.valueDoesNotExist,
    ),

  typeMismatch: (label: LocalizedText, value: string): ProfitError =>
    error(
      500,
      `Type komt niet overeen: '${value}' is geen geldige waarde voor '${label.nl}'.`,
      `Type mismatch: '${value}' is not a valid value for '${label.en}'.`,
    ),

  periodBlocked: (period: number, year: number): ProfitError =>
    error(
      500,
      `Voor deze administratie is periode ${period} van jaar ${year} geblokkeerd.`,
      `For this administration, period ${period} of the year ${year} is blocked.`,
    ),

  dateInBlockedPeriod: (date: string): ProfitError =>
    error(
      500,
      `Datum '${date}' valt in een geblokkeerde periode`,
      `Date '${date}' belongs to a blocked period`,
    ),

  allocationRequired: (axis: LocalizedText, account: string): ProfitError =>
    error(
      500,
      `Code verbijzondering voor as '${axis.nl}' moet gevuld worden voor rekening ${account}`,
      `Allocation code for axis '${axis.en}' must be filled for account ${account}`,
    ),

  allocationNotAssigned: (axis: LocalizedText, code: string, account: string): ProfitError =>
    error(
      500,
      `General message: Er is geen toewijzing voor ${axis.nl.toLowerCase()} '${code}' met rekening '${account}' of de toewijzing is geblokkeerd.`,
      `General message: There is no assignment for ${axis.en.toLowerCase()} '${code}' with account '${account}' or the assignment is blocked.`,
    ),

  vatNotAllowed: (account: string): ProfitError =>
    error(
      500,
      `(AfasFiEntry)Btw is niet toegestaan voor rekening ${account}.`,
      `(AfasFiEntry)Vat is not allowed for account ${account}.`,
    ),

  entryNotBalanced: (debit: string, credit: string): ProfitError =>
    error(
      500,
      `General message: De journaalpost is niet in balans (debet ${debit}, credit ${credit}).`,
      `General message: The journal entry is not in balance (debit ${debit}, credit ${credit}).`,
    ),

  entryWithoutLines: (): ProfitError =>
    error(
      500,
      'General message: De journaalpost bevat geen regels.',
      'General message: The journal entry has no lines.',
    ),

  missingObject: (name: string): ProfitError =>
    error(
      500,
      `General message: Het object '${name}' ontbreekt in de aanlevering.`,
      `General message: The object '${name}' is missing from the request.`,
    ),
};
