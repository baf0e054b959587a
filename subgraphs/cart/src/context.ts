import type { BaseRequestContext } from '@supergraph/subgraph';
import type DataLoader from 'dataloader';
import type { CartService } from './carts/service';
import type { Checkout } from './orders/checkout';
import type { Order } from './orders/model';
import type { OrderStore } from './orders/store';
import type { ProductAdmin } from './products/admin';
import type { Product } from './products/model';
import type { ProductStore } from './products/store';

/** Per-request context of the cart subgraph. */
export interface CartContext extends BaseRequestContext {
  loaders: { productById: DataLoader<string, Product | null>; orderById: DataLoader<string, Order | null> };
  stores: { products: ProductStore; orders: OrderStore };
  services: {
    carts: CartService;
    checkout: Checkout;
    productAdmin: ProductAdmin;
  };
}
