package handlers

import "github.com/gin-gonic/gin"

// CourierDeps are what the endpoints for couriers (the mobile page) need.
type CourierDeps struct{}

// registerCourier lists the routes for couriers (the mobile page).
func (h *Handler) registerCourier(r gin.IRouter) {}
