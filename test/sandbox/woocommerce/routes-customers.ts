// /wp-json/wc/v3/customers: WordPress users with the customer role (WC_REST_Customers_Controller).
// Only what Settle needs: list by email, create, read one. An email is one account (wc_create_new_customer).
import { Router } from "express";
import { missingParams, WpError } from "./errors";
import { wpDate } from "./format";
import { need, paginate, send } from "./http";
import type { Site } from "./site";
import type { Customer } from "./state";
import { validateRequest } from "./validate";


const ADDRESS = ["first_name", "last_name", "company", "address_1", "address_2", "city", "state", "postcode", "country"];
const address = (given: Record<string, string>, withContact: boolean) => Object.fromEntries(
  [...ADDRESS, ...(withContact ? ["email", "phone"] : [])].map((k) => [k, given[k] ?? ""]),
);

function customerView(siteUrl: string, c: Customer): Record<string, unknown> {
  return {
    id: c.id, date_created: wpDate(c.created), date_created_gmt: wpDate(c.created), date_modified: wpDate(c.modified),
    date_modified_gmt: wpDate(c.modified), email: c.email, first_name: c.firstName, last_name: c.lastName, role: "customer",
    username: c.username, billing: address(c.billing, true), shipping: address({}, false), is_paying_customer: false,
    avatar_url: "https://secure.gravatar.com/avatar/?s=96&d=mm&r=g", meta_data: [],
    _links: { self: [{ href: `${siteUrl}wp-json/wc/v3/customers/${c.id}` }], collection: [{ href: `${siteUrl}wp-json/wc/v3/customers` }] },
  };
}

export function customerRoutes(site: Site): Router {
  const r = Router();
  const { store } = site;
  const view = (c: Customer) => customerView(site.url(), c);

  r.get("/customers", (req, res) => {
    need(res, "list");
    // WordPress compares user emails case-insensitively.
    const email = req.query.email === undefined ? undefined : String(req.query.email).toLowerCase();
    const rows = [...store.customers.values()].filter((c) => email === undefined || c.email.toLowerCase() === email);
    send(res, "customer", paginate(req, res, rows, `${site.url()}wp-json/wc/v3/customers`).map(view));
  });

  r.post("/customers", (req, res) => {
    need(res, "create");
    const body = validateRequest("customer", req.body);
    const email = typeof body.email === "string" ? body.email.trim() : "";
    if (!email) throw missingParams(["email"]);
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new WpError(400, "registration-error-invalid-email", "Please provide a valid email address.");
    if ([...store.customers.values()].some((c) => c.email.toLowerCase() === email.toLowerCase())) {
      throw new WpError(400, "registration-error-email-exists", "An account is already registered with your email address. Please log in.");
    }
    const now = store.now();
    const c: Customer = {
      id: store.nextUserId(), email, firstName: String(body.first_name ?? ""), lastName: String(body.last_name ?? ""),
      username: String(body.username ?? email.split("@")[0]), billing: { ...(body.billing as Record<string, string> | undefined), email },
      created: now, modified: now,
    };
    store.customers.set(c.id, c);
    send(res, "customer", view(c), 201);
  });

  r.get("/customers/:id", (req, res) => {
    need(res, "view");
    const c = store.customers.get(Number(req.params.id));
    if (!c) throw new WpError(404, "woocommerce_rest_invalid_id", "Invalid resource ID.");
    send(res, "customer", view(c));
  });
  return r;
}
