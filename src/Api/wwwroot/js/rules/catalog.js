// The catalog stream's rules and state (src/Ledger/Rules/Catalog): the rewards households
// redeem their points for, with their price and stock.

import { added, checked, Fields, FormatError, invariant, isIdentifier, isShortText, lookup } from './fields.js';
import { accept, newEntry, refuse } from './registry.js';

export const Stream = 'catalog';
export const RewardKinds = ['PropertyFeeReduction', 'HouseholdService', 'Goods', 'Tickets'];

const MaxPricePoints = 1_000_000;
const MaxStock = 1_000_000;
const MaxNameLength = 100;
const AddedMembers = ['itemId', 'kind', 'name', 'pricePoints', 'stock'];
const RestockedMembers = ['itemId', 'quantity'];
const WithdrawnMembers = ['itemId'];
const ReservationMembers = ['householdId', 'itemId', 'quantity', 'redemptionId'];

/** Items: id → { name, kind, pricePoints, stock (null: unlimited), withdrawn }. */
export function emptyCatalog() {
  return { sequence: -1, items: new Map() };
}

export function addItem(context) {
  const body = new Fields(context.command.body, 'body', AddedMembers);
  const catalog = context.state(Stream);
  const itemId = body.string('itemId');
  const name = body.string('name');
  if (!isIdentifier(itemId) || !isShortText(name, MaxNameLength)) {
    return refuse('MalformedCommand', `itemId is an identifier and name 1 to ${MaxNameLength} characters`);
  }
  if (catalog.items.has(itemId)) {
    return refuse('CatalogItemExists', `the catalog has ${itemId} already`);
  }
  const kind = body.string('kind');
  if (!RewardKinds.includes(kind)) {
    return refuse('MalformedCommand', `kind is one of ${RewardKinds.join(', ')}`);
  }
  const price = body.integer('pricePoints');
  const stock = body.optionalInteger('stock');
  if (price < 1 || price > MaxPricePoints || (stock !== null && (stock < 0 || stock > MaxStock))) {
    return refuse('PointsOutOfRange', `pricePoints are from 1 to ${MaxPricePoints}, stock from 0 to ${MaxStock}`);
  }
  const entry = { itemId, kind, name, pricePoints: price };
  if (stock !== null) {
    entry.stock = stock;
  }
  return accept(newEntry(Stream, 'CatalogItemAdded', entry));
}

export function restock(context) {
  const body = new Fields(context.command.body, 'body', RestockedMembers);
  const refusal = notOffered(context.state(Stream), body.string('itemId'));
  if (refusal) {
    return refusal;
  }
  const quantity = body.integer('quantity');
  if (quantity < 1 || quantity > MaxStock) {
    return refuse('PointsOutOfRange', `quantity is from 1 to ${MaxStock}`);
  }
  return accept(newEntry(Stream, 'CatalogItemRestocked', { itemId: body.string('itemId'), quantity }));
}

export function withdraw(context) {
  const body = new Fields(context.command.body, 'body', WithdrawnMembers);
  const refusal = notOffered(context.state(Stream), body.string('itemId'));
  if (refusal) {
    return refusal;
  }
  return accept(newEntry(Stream, 'CatalogItemWithdrawn', { itemId: body.string('itemId') }));
}

export function notOffered(catalog, itemId) {
  const item = catalog.items.get(itemId);
  if (!item) {
    return refuse('UnknownCatalogItem', `the catalog has no item ${itemId}`);
  }
  return item.withdrawn ? refuse('CatalogItemWithdrawn', `${itemId} was withdrawn from the catalog`) : null;
}

/** The catalog after one of its entries (CatalogState.ApplyBody). */
export function applyCatalog(state, entry) {
  const body = entry.body;
  switch (entry.type) {
    case 'CatalogItemAdded': {
      const fields = new Fields(body, entry.type, AddedMembers);
      const item = {
        name: fields.string('name'), kind: fields.enumName(RewardKinds, 'kind', 'RewardKind'),
        pricePoints: fields.integer('pricePoints'), stock: fields.optionalInteger('stock'), withdrawn: false,
      };
      return { ...state, items: added(state.items, fields.string('itemId'), item) };
    }
    case 'CatalogItemRestocked':
      return withStock(state, new Fields(body, entry.type, RestockedMembers), +1);
    case 'CatalogItemWithdrawn': {
      const itemId = new Fields(body, entry.type, WithdrawnMembers).string('itemId');
      return { ...state, items: new Map(state.items).set(itemId, { ...lookup(state.items, itemId), withdrawn: true }) };
    }
    case 'ItemReserved':
      return withStock(state, new Fields(body, entry.type, ReservationMembers), -1);
    case 'ItemReleased':
      return withStock(state, new Fields(body, entry.type, ReservationMembers), +1);
    default:
      throw new FormatError(`the catalog has no entry type ${entry.type}`);
  }
}

function withStock(state, body, sign) {
  const itemId = body.string('itemId');
  const item = lookup(state.items, itemId);
  if (item.stock === null) {
    return state;
  }
  const left = checked(item.stock + sign * body.integer('quantity'));
  invariant(left >= 0, `catalog item ${itemId}'s stock is never negative`);
  return { ...state, items: new Map(state.items).set(itemId, { ...item, stock: left }) };
}
