import { createHash, randomInt } from 'node:crypto';
import { type GatewayStandIn, type ReceivedRequest, startGatewayStandIn } from './gateway-server.js';

/**
 * An Authorize.Net stand-in for the JSON API (`POST /xml/v1/request.api`). Its answers follow the
 * samples and response reason codes of Authorize.Net's API reference: every answer is HTTP 200
 * with a body that starts with a UTF-8 byte-order mark; `transactionResponse.responseCode` is 1
 * approved, 2 declined, 3 error, 4 held for review. It keeps transactions (authorize, capture,
 * void), applies the duplicate window like the gateway (same card, amount, invoice number and
 * type within it: reason 11 with the original transaction), and checks what it is sent.
 */

/** Test cards and the answer each gets: [responseCode, reason code, reason text]. */
const answersByCard: Record<string, readonly [string, string, string]> = {
  '4000000000000002': ['2', '2', 'This transaction has been declined.'],
  '4000000000009995': ['2', '2', 'This transaction has been declined.'],
  '4000000000009987': ['2', '4', 'The code returned from the processor indicating that the card used needs to be picked up.'],
  '4000000000000069': ['2', '8', 'The credit card has expired.'],
  '4000000000000127': ['2', '44', 'This transaction has been declined.'],
  '4000000000000010': [
    '2',
    '27',
    'The transaction has been declined because of an AVS mismatch. The address provided does not match billing address of cardholder.',
  ],
  '4000000000000036': ['3', '6', 'The credit card number is invalid.'],
  '4000000000000259': ['4', '253', 'Your order has been received. Thank you for your business!'],
  '4000000000000119': ['3', '19', 'An error occurred during processing. Please try again in 5 minutes.'],
};
export const authorizeNetCards = {
  approved: '4242424242424242',
  declined: '4000000000000002',
  pickUp: '4000000000009987',
  expired: '4000000000000069',
  cardCode: '4000000000000127',
  avs: '4000000000000010',
  invalidNumber: '4000000000000036',
  heldForReview: '4000000000000259',
  transientError: '4000000000000119',
} as const;

/** Element order of the XML schema the JSON is mapped onto (only the elements the adapter may send). */
const schemaOrder = {
  createTransactionRequest: ['merchantAuthentication', 'refId', 'transactionRequest'],
  transactionRequest: [
    'transactionType',
    'amount',
    'currencyCode',
    'payment',
    'refTransId',
    'order',
    'customer',
    'billTo',
    'shipTo',
    'customerIP',
    'transactionSettings',
  ],
  creditCard: ['cardNumber', 'expirationDate', 'cardCode'],
} as const;

interface Transaction {
  readonly transId: string;
  readonly authCode: string;
  readonly amount: string;
  status: 'authorized' | 'held' | 'captured' | 'voided' | 'declined';
}

export interface AuthorizeNetStandIn extends GatewayStandIn {
  readonly transactions: Map<string, Transaction>;
  /** The parsed `createTransactionRequest`s received (BOM-free JSON). */
  requests(): any[];
}

const bom = '\uFEFF';
const ok = { resultCode: 'Ok', message: [{ code: 'I00001', text: 'Successful.' }] };
const failed = { resultCode: 'Error', message: [{ code: 'E00027', text: 'The transaction was unsuccessful.' }] };

const answer = (refId: string, messages: object, transactionResponse?: object) => ({
  status: 200,
  body: bom + JSON.stringify({ ...(transactionResponse ? { transactionResponse } : {}), refId, messages }),
});

const approvedResponse = (transaction: Transaction, accountNumber: string) => ({
  responseCode: '1',
  authCode: transaction.authCode,
  avsResultCode: 'Y',
  cvvResultCode: 'P',
  cavvResultCode: '2',
  transId: transaction.transId,
  refTransID: '',
  transHash: '',
  testRequest: '0',
  accountNumber,
  accountType: 'Visa',
  messages: [{ code: '1', description: 'This transaction has been approved.' }],
  transHashSha2: '',
  SupplementalDataQualificationIndicator: 0,
});

const errorResponse = (responseCode: string, errorCode: string, errorText: string, transId = '0', extra: object = {}) => ({
  responseCode,
  authCode: '',
  avsResultCode: responseCode === '2' && errorCode === '27' ? 'N' : 'P',
  cvvResultCode: errorCode === '44' ? 'N' : '',
  cavvResultCode: '',
  transId,
  refTransID: '',
  transHash: '',
  testRequest: '0',
  accountNumber: '',
  accountType: '',
  errors: [{ errorCode, errorText }],
  transHashSha2: '',
  SupplementalDataQualificationIndicator: 0,
  ...extra,
});

const checkOrder = (violations: string[], name: keyof typeof schemaOrder, value: object) => {
  const order: readonly string[] = schemaOrder[name];
  const keys = Object.keys(value);
  const unknown = keys.filter((key) => !order.includes(key));
  if (unknown.length) violations.push(`${name} has elements the stand-in does not know: ${unknown.join(', ')}`);
  const positions = keys.map((key) => order.indexOf(key)).filter((i) => i >= 0);
  if (positions.some((p, i) => i > 0 && p < positions[i - 1]!)) violations.push(`${name} elements out of schema order: ${keys.join(', ')}`);
};

export const startAuthorizeNetStandIn = async (credentials: { apiLoginId: string; transactionKey: string }): Promise<AuthorizeNetStandIn> => {
  const transactions = new Map<string, Transaction>();
  /** Duplicate window: the transaction first made for a card, amount, invoice number and type. */
  const byDuplicateKey = new Map<string, Transaction>();
  const newTransaction = (amount: string, status: Transaction['status']): Transaction => {
    const transaction = {
      transId: String(60_000_000_000 + randomInt(1_000_000_000)),
      authCode: status === 'declined' ? '' : randomInt(100_000, 999_999).toString(36).toUpperCase().padStart(6, '0'),
      amount,
      status,
    };
    transactions.set(transaction.transId, transaction);
    return transaction;
  };

  const handle = (request: ReceivedRequest, violations: string[]) => {
    if (request.method !== 'POST' || request.path !== '/xml/v1/request.api') violations.push(`unexpected ${request.method} ${request.path}`);
    if (!String(request.headers['content-type']).startsWith('application/json')) violations.push('content-type is not JSON');
    const envelope = JSON.parse(request.body).createTransactionRequest;
    checkOrder(violations, 'createTransactionRequest', envelope);
    const { merchantAuthentication: auth, refId, transactionRequest: tx } = envelope;
    if (typeof refId !== 'string' || refId.length === 0 || refId.length > 20) violations.push(`refId must be 1 to 20 characters: ${refId}`);
    if (auth?.name !== credentials.apiLoginId || auth?.transactionKey !== credentials.transactionKey) {
      return answer(refId, { resultCode: 'Error', message: [{ code: 'E00007', text: 'User authentication failed due to invalid authentication values.' }] });
    }
    checkOrder(violations, 'transactionRequest', tx);
    if (tx.amount !== undefined && !/^\d+\.\d{2}$/.test(tx.amount)) violations.push(`amount is not a decimal string: ${tx.amount}`);

    if (tx.transactionType === 'authOnlyTransaction') {
      const card = tx.payment?.creditCard ?? {};
      checkOrder(violations, 'creditCard', card);
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(card.expirationDate)) violations.push(`expirationDate is not YYYY-MM: ${card.expirationDate}`);
      if (card.cardCode !== undefined && !/^\d{3,4}$/.test(card.cardCode)) violations.push('cardCode is not 3 or 4 digits');
      if (!/^\d{12,19}$/.test(card.cardNumber)) violations.push('cardNumber is not 12 to 19 digits');
      const window = tx.transactionSettings?.setting?.find((s: { settingName: string }) => s.settingName === 'duplicateWindow');
      const duplicateKey = createHash('sha256')
        .update(JSON.stringify([card.cardNumber, card.expirationDate, tx.amount, tx.order?.invoiceNumber, tx.transactionType]))
        .digest('hex');
      const original = byDuplicateKey.get(duplicateKey);
      if (original) {
        // With a duplicate window in the request, the answer carries the original transaction.
        const details = window ? { transId: original.transId, authCode: original.authCode } : {};
        return answer(refId, failed, errorResponse('3', '11', 'A duplicate transaction has been submitted.', window ? original.transId : '0', details));
      }
      const scripted = answersByCard[card.cardNumber];
      const accountNumber = `XXXX${String(card.cardNumber).slice(-4)}`;
      if (!scripted) {
        const transaction = newTransaction(tx.amount, 'authorized');
        byDuplicateKey.set(duplicateKey, transaction);
        return answer(refId, ok, approvedResponse(transaction, accountNumber));
      }
      const [code, reason, text] = scripted;
      if (code === '3' && reason === '19') return answer(refId, failed, errorResponse(code, reason, text));
      const transaction = newTransaction(tx.amount, code === '4' ? 'held' : 'declined');
      byDuplicateKey.set(duplicateKey, transaction);
      return code === '4'
        ? answer(refId, ok, {
            ...errorResponse(code, reason, text, transaction.transId),
            authCode: transaction.authCode,
            errors: undefined,
            messages: [{ code: reason, description: text }],
          })
        : answer(refId, failed, errorResponse(code, reason, text, transaction.transId));
    }

    if (tx.transactionType === 'priorAuthCaptureTransaction' || tx.transactionType === 'voidTransaction') {
      const capture = tx.transactionType === 'priorAuthCaptureTransaction';
      const transaction = transactions.get(tx.refTransId);
      if (!transaction) return answer(refId, failed, errorResponse('3', '16', 'The transaction cannot be found.'));
      if (capture && transaction.status === 'captured')
        return answer(refId, failed, errorResponse('3', '311', 'This transaction has already been captured.', transaction.transId));
      if (!capture && transaction.status === 'voided')
        return answer(refId, failed, errorResponse('1', '310', 'This transaction has already been voided.', transaction.transId));
      const allowed = capture ? transaction.status === 'authorized' : transaction.status === 'authorized' || transaction.status === 'held';
      if (!allowed) return answer(refId, failed, errorResponse('3', '16', 'The transaction cannot be found.'));
      if (capture && Number(tx.amount) > Number(transaction.amount)) {
        return answer(refId, failed, errorResponse('3', '47', 'The amount requested for settlement cannot be greater than the original amount authorized.'));
      }
      transaction.status = capture ? 'captured' : 'voided';
      return answer(refId, ok, { ...approvedResponse(transaction, 'XXXX0000'), refTransID: transaction.transId });
    }
    violations.push(`unexpected transactionType ${tx.transactionType}`);
    return answer(refId, failed, errorResponse('3', '103', 'This transaction cannot be accepted.'));
  };

  const standIn = await startGatewayStandIn(handle);
  return {
    ...standIn,
    transactions,
    requests: () => standIn.received.map((r) => JSON.parse(r.body).createTransactionRequest),
  };
};
