import type { Gid, Page } from './types';

/** The stock of one inventory item at each location: what is available to sell and what is on hand. */
export const INVENTORY_LEVELS = /* GraphQL */ `
  query InventoryLevels($inventoryItemId: ID!) {
    inventoryItem(id: $inventoryItemId) {
      id
      sku
      inventoryLevels(first: 50) {
        nodes {
          id
          location {
            id
            name
          }
          quantities(names: ["available", "on_hand"]) {
            name
            quantity
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

export interface InventoryLevelsVariables {
  inventoryItemId: Gid;
}

export interface InventoryLevel {
  id: Gid;
  location: { id: Gid; name: string };
  quantities: { name: 'available' | 'on_hand'; quantity: number }[];
}

export interface InventoryLevelsResult {
  inventoryItem: { id: Gid; sku: string | null; inventoryLevels: Page<InventoryLevel> } | null;
}
