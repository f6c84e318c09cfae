create table if not exists orders (
  id bigserial primary key,
  customer text not null,
  amount_cents integer not null
);
create table if not exists receipts (
  id bigserial primary key,
  order_id bigint not null,
  customer text not null,
  sent_at timestamptz not null default now()
);
